using System.Runtime.CompilerServices;
using TableRecord = HiFiC.Codec.Entropy.RansDecodeTables.TableRecord;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Reads what <see cref="InterleavedRansEncoder"/> wrote: four states, symbol i taken from state
/// i mod 4. The states rotate through four locals (x0 is always the one symbol i needs), so the
/// loop is the single-state loop plus three register moves, while the four dependency chains
/// overlap in the core.
/// </summary>
/// <remarks>
/// The hot loop (<see cref="Run"/>) has no bounds checks (raw pointers from
/// <see cref="RansDecodeTables.Records"/>, table indices validated before it) and no branch for
/// renormalisation. It runs in two modes. Unclamped, it runs in chunks of at most as many symbols
/// as there are words left, and since a step consumes at most one word, no step in a chunk can
/// read past the stream: no end check per symbol. Clamped, for the last symbols (which a valid
/// stream decodes with its words all consumed), each step reads the word at p or the stream's
/// last word once p has run past it. An escape (recognised by its slot before the CDF scan)
/// stops the loop before the symbol and <see cref="Careful"/> decodes it with every check;
/// decoding it inside the loop through a call made the JIT spill the states (measured slower).
/// The safety argument is the single-state decoder's: each step consumes at most one word and
/// never reads outside the stream, every state stays below 2^63 whatever the input, so garbage
/// ends in an <see cref="EntropyDecodeException"/> after values.Length steps at most.
/// Measurements and what did not pay: docs/results/rans.
/// </remarks>
internal static class InterleavedRansDecoder
{
    private const ulong StateLow = RansEncoder.StateLow;
    private const uint SlotMask = EntropyConstants.CdfTotal - 1;

    private struct Lanes
    {
        public ulong X0, X1, X2, X3;
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
        {
            TableRecord* records = tables.Records;
            int i = 0;
            bool clamped = false;
            while (true)
            {
                i = clamped
                    ? Run<Clamped>(ref lanes, records, indices, output, i, count, src, ref pos, stream.Length)
                    : Run<Unclamped>(ref lanes, records, indices, output, i, count, src, ref pos, stream.Length);
                if (i == count)
                {
                    break;
                }

                // Unclamped stops at an escape with a word left, or when the words left run out.
                if (!clamped && pos > stream.Length - 4)
                {
                    clamped = true;
                    continue;
                }

                Careful(ref lanes, records + indices[i], output + i, stream, ref pos, i);
                i++;
            }
        }

        // The records point into the tables' pinned arrays: keep them alive until the loop is done.
        GC.KeepAlive(tables);
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

    /// <summary>Whether <see cref="Run"/> clamps every word read to the stream (a JIT-time constant per mode).</summary>
    private interface IReadMode
    {
        static abstract bool IsClamped { get; }
    }

    private readonly struct Unclamped : IReadMode
    {
        public static bool IsClamped => false;
    }

    private readonly struct Clamped : IReadMode
    {
        public static bool IsClamped => true;
    }

    /// <summary>
    /// Symbols from <paramref name="from"/> on, as long as none is an escape. Unclamped, it also
    /// stops where the words left could no longer cover one per symbol; clamped, it reads the word
    /// at p or the stream's last word once p has run past it (then only a corrupt stream still
    /// needs words, which the caller reports): nothing outside the stream is read.
    /// </summary>
    /// <returns>The first symbol not decoded (count when all are).</returns>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Run<TMode>(ref Lanes lanes, TableRecord* tables, int* indices, int* output, int from, int count, byte* src, ref int pos, int end)
        where TMode : struct, IReadMode
    {
        ulong x0 = lanes.X0, x1 = lanes.X1, x2 = lanes.X2, x3 = lanes.X3;
        byte* p = src + pos;
        byte* last = src + end - 4;
        int* idx = indices + from;
        int* stop = indices + count;
        if (!TMode.IsClamped)
        {
            // Each step below starts with a word left to read: no end check per symbol.
            nint words = (nint)((last - p) / 4) + 1;
            stop = words <= 0 ? idx : words < stop - idx ? idx + words : stop;
        }

        nint outputOffset = (nint)((byte*)output - (byte*)indices);
        for (; idx < stop; idx++)
        {
            TableRecord* table = tables + *idx;

            // Escapes first: the test needs no CDF load, so a mispredicted one is found out sooner,
            // and the scan never walks a wide table's tail (up to 63 frequency-1 symbols) to it.
            uint slot = (uint)x0 & SlotMask;
            if (slot >= table->EscapeSlot)
            {
                break;
            }

            // The bucket gives the symbol owning the bucket's first slot; the scan stops before the
            // escape symbol because its first slot exceeds this one.
            nint symbol = table->Buckets[slot >> RansDecodeTables.BucketShift];
            int* c = table->Cdf + symbol;
            while ((uint)c[1] <= slot)
            {
                c++;
                symbol++;
            }

            *(int*)((byte*)idx + outputOffset) = table->Offset + (int)symbol;
            ulong low = (uint)c[0];
            ulong x = ((uint)c[1] - low) * (x0 >> EntropyConstants.PrecisionBits) + (x0 & SlotMask) - low;

            // Renormalisation without a branch (it would mispredict every few symbols): need is 1
            // exactly when x < 2^31 (x is below 2^63, so x - 2^31 wraps only then).
            ulong need = (x - StateLow) >> 63;
            ulong word = RansDecoder.ReadWord(!TMode.IsClamped || p <= last ? p : last);
            x = (x << (int)(need << 5)) | (word & (0 - need));
            p += (nint)(need << 2);
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
    private static unsafe void Careful(ref Lanes lanes, TableRecord* table, int* o, ReadOnlySpan<byte> stream, ref int pos, int i)
    {
        ulong x = lanes.X0;
        uint slot = (uint)x & SlotMask;

        // Run stops before escapes only, so the scan (up to 63 steps through a wide table's tail
        // of frequency-1 symbols) normally starts at the escape symbol; from the bucket otherwise.
        int escape = (int)table->EscapeSymbol;
        int symbol = (uint)table->Cdf[escape] <= slot ? escape : table->Buckets[slot >> RansDecodeTables.BucketShift];
        int* c = table->Cdf + symbol;
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

        *o = symbol == table->EscapeSymbol
            ? RansDecoder.ReadEscape(stream, ref x, ref pos, table->Offset, (int)table->EscapeSymbol, i)
            : table->Offset + symbol;
        (lanes.X0, lanes.X1, lanes.X2, lanes.X3) = (lanes.X1, lanes.X2, lanes.X3, x);
    }
}
