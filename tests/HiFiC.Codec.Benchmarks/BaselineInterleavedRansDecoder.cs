using System.Runtime.CompilerServices;

using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// THE BASELINE, kept for side-by-side runs: the interleaved decoder as format version 2 shipped
/// it (commit 98a90b5), unchanged but for its name, so the benchmarks compare old and new in one
/// process. Reads what <see cref="InterleavedRansEncoder"/> wrote: four states, symbol i taken from state
/// i mod 4. The states rotate through four locals (x0 is always the one symbol i needs), so the
/// loop is the single-state loop plus three register moves, while the four dependency chains
/// overlap in the core.
/// </summary>
/// <remarks>
/// The hot loop (<see cref="Run"/>) has no bounds checks (raw pointers into
/// <see cref="RansDecodeTables"/>, table indices validated before it), no branch for
/// renormalisation, and no escape handling: at an escape symbol it stops before the symbol and
/// <see cref="Careful"/> decodes that one symbol with every check, then the loop goes on. Few
/// live values keep the states in registers. The safety argument is the single-state decoder's:
/// each step consumes at most one word and never reads outside the stream, every state stays
/// below 2^63 whatever the input, so garbage ends in an <see cref="EntropyDecodeException"/>
/// after values.Length steps at most.
/// </remarks>
internal static class BaselineInterleavedRansDecoder
{
    private const ulong StateLow = RansEncoder.StateLow;
    private const uint SlotMask = EntropyConstants.CdfTotal - 1;

    private struct Lanes
    {
        public ulong X0, X1, X2, X3;

        /// <summary>Symbol i + 1 takes the next state; symbol i's new state goes to the back.</summary>
        public void Rotate(ulong x) => (X0, X1, X2, X3) = (X1, X2, X3, x);
    }

    public static unsafe void Decode(ReadOnlySpan<byte> stream, ReadOnlySpan<int> tableIndices, RansDecodeTables tables, Span<int> values)
    {
        if (stream.Length < 4 * RansStreamLayouts.Lanes || stream.Length % 4 != 0)
        {
            throw new EntropyDecodeException($"Interleaved rANS stream length {stream.Length} is not a multiple of 4 bytes of at least {4 * RansStreamLayouts.Lanes}.");
        }

        // Checked here, in one vectorised pass, so the loop needs neither the check nor the table count.
        int bad = tableIndices.IndexOfAnyExceptInRange(0, tables.Count - 1);
        if (bad >= 0)
        {
            EscapeCode.ThrowBadIndex(bad, tableIndices[bad], tables.Count);
        }

        int pos = 0;
        var lanes = new Lanes
        {
            X0 = RansDecoder.ReadInitialState(stream, ref pos),
            X1 = RansDecoder.ReadInitialState(stream, ref pos),
            X2 = RansDecoder.ReadInitialState(stream, ref pos),
            X3 = RansDecoder.ReadInitialState(stream, ref pos),
        };
        int count = values.Length;
        fixed (byte* src = stream)
        fixed (int* indices = tableIndices)
        fixed (int* output = values)
        fixed (int* data = tables.Data)
        {
            int i = 0;
            while (true)
            {
                i = Run(ref lanes, data, indices, output, i, count, src, ref pos, stream.Length);
                if (i == count)
                {
                    break;
                }

                Careful(ref lanes, data, indices[i], output + i, stream, ref pos, i);
                i++;
            }
        }

        if (pos > stream.Length)
        {
            throw new EntropyDecodeException($"rANS stream ends {pos - stream.Length} bytes before its {count} symbols are complete (truncated or corrupt).");
        }

        if (pos != stream.Length)
        {
            RansDecoder.ThrowBadEnd(stream.Length - pos, lanes.X0, count);
        }

        foreach (ulong x in (ReadOnlySpan<ulong>)[lanes.X0, lanes.X1, lanes.X2, lanes.X3])
        {
            if (x != StateLow)
            {
                RansDecoder.ThrowBadEnd(0, x, count);
            }
        }
    }

    /// <summary>
    /// Symbols from <paramref name="from"/> on, as long as none is an escape. Each step reads the
    /// word at p, or the stream's last word once p has run past it (then only a corrupt stream
    /// still needs words, which the caller reports): nothing outside the stream is read.
    /// </summary>
    /// <returns>The first symbol not decoded (count when all are).</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Run(ref Lanes lanes, int* data, int* indices, int* output, int from, int count, byte* src, ref int pos, int end)
    {
        ulong x0 = lanes.X0, x1 = lanes.X1, x2 = lanes.X2, x3 = lanes.X3;
        byte* p = src + pos;
        byte* last = src + end - 4;
        int* idx = indices + from;
        int* stop = indices + count;
        nint outputOffset = (nint)((byte*)output - (byte*)indices);
        for (; idx < stop; idx++)
        {
            int* info = data + RansDecodeTables.InfoInts * *idx;

            // The bucket gives the symbol owning the bucket's first slot; the scan stops at the
            // escape symbol at the latest because the CDF's last entry, 2^16, exceeds any slot.
            uint slot = (uint)x0 & SlotMask;
            int symbol = ((ushort*)data)[info[RansDecodeTables.BucketBase] + (int)(slot >> RansDecodeTables.BucketShift)];
            int* c = data + info[RansDecodeTables.CdfBase] + symbol;
            while ((uint)c[1] <= slot)
            {
                c++;
                symbol++;
            }

            if (symbol == info[RansDecodeTables.EscapeSymbol])
            {
                break;
            }

            *(int*)((byte*)idx + outputOffset) = info[RansDecodeTables.Offset] + symbol;
            uint low = (uint)c[0];
            ulong x = ((uint)c[1] - low) * (x0 >> EntropyConstants.PrecisionBits) + slot - low;

            // Renormalisation without a branch (it would mispredict every few symbols): need is 1
            // exactly when x < 2^31 (x is below 2^63, so x - 2^31 wraps only then).
            ulong need = (x - StateLow) >> 63;
            ulong word = RansDecoder.ReadWord(p <= last ? p : last);
            x = (x << (int)(need << 5)) | (word & (0 - need));
            p += (int)need << 2;
            x0 = x1;
            x1 = x2;
            x2 = x3;
            x3 = x;
        }

        lanes = new Lanes { X0 = x0, X1 = x1, X2 = x2, X3 = x3 };
        pos = (int)(p - src);
        return (int)(idx - indices);
    }

    /// <summary>Symbol i with every check: an escape and its payload, or a step with no word left.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void Careful(ref Lanes lanes, int* data, int t, int* o, ReadOnlySpan<byte> stream, ref int pos, int i)
    {
        int* info = data + RansDecodeTables.InfoInts * t;
        ulong x = lanes.X0;
        uint slot = (uint)x & SlotMask;
        int symbol = ((ushort*)data)[info[RansDecodeTables.BucketBase] + (int)(slot >> RansDecodeTables.BucketShift)];
        int* c = data + info[RansDecodeTables.CdfBase] + symbol;
        while ((uint)c[1] <= slot)
        {
            c++;
            symbol++;
        }

        uint low = (uint)c[0];
        x = ((uint)c[1] - low) * (x >> EntropyConstants.PrecisionBits) + slot - low;
        if (x < StateLow)
        {
            if (pos >= stream.Length)
            {
                RansDecoder.ThrowPastEnd(i);
            }

            x = (x << 32) | System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(stream[pos..]);
            pos += 4;
        }

        *o = symbol == info[RansDecodeTables.EscapeSymbol]
            ? RansDecoder.ReadEscape(stream, ref x, ref pos, info[RansDecodeTables.Offset], info[RansDecodeTables.EscapeSymbol], i)
            : info[RansDecodeTables.Offset] + symbol;
        lanes.Rotate(x);
    }
}
