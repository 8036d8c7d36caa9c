using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Reads ONE rANS stream (as <see cref="RansCoder.Encode"/> wrote it for the whole symbol
/// sequence, either layout) in parts: each <see cref="Next"/> call decodes the next run of
/// symbols, so the caller can compute the table indices of a part from the symbols of the parts
/// before it (a context model's phases). The states and the read position carry over between
/// calls; symbol i of the whole sequence is taken from state i mod lanes, exactly as
/// <see cref="InterleavedRansDecoder"/> does in one go, so the same stream decodes either way.
/// </summary>
/// <remarks>
/// Safety is the single-state decoder's: each step consumes at most one word and checks it
/// exists, every state stays below 2^63 whatever the input, so garbage ends in an
/// <see cref="EntropyDecodeException"/> within the declared symbol count.
/// </remarks>
public sealed class ResumableRansDecoder
{
    private const ulong StateLow = RansEncoder.StateLow;
    private const uint SlotMask = EntropyConstants.CdfTotal - 1;

    private readonly byte[] stream;
    private readonly CdfTable[] tables;
    private readonly ulong[] lanes;
    private readonly int total;
    private int decoded;
    private int pos;

    /// <param name="stream">The whole stream (kept, not copied).</param>
    /// <param name="symbolCount">How many symbols the stream holds in all (it decides the lane count, as when it was written).</param>
    /// <exception cref="EntropyDecodeException">The stream does not start with valid final states.</exception>
    public ResumableRansDecoder(byte[] stream, CdfTableSet tables, int symbolCount, RansStreamLayout layout = RansStreamLayouts.Current)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfNegative(symbolCount);
        if (stream.Length % 4 != 0)
        {
            throw new EntropyDecodeException($"rANS stream length {stream.Length} is not a multiple of 4 bytes.");
        }

        this.stream = stream;
        this.tables = tables.Tables;
        total = symbolCount;
        lanes = new ulong[RansStreamLayouts.LanesFor(layout, symbolCount)];
        for (int k = 0; k < lanes.Length; k++)
        {
            lanes[k] = RansDecoder.ReadInitialState(stream, ref pos);
        }
    }

    /// <summary>Symbols decoded so far.</summary>
    public int Decoded => decoded;

    /// <summary>Decodes the next values.Length symbols, values[i] with tables[tableIndices[i]].</summary>
    /// <exception cref="EntropyDecodeException">The stream is corrupt, or more symbols are asked for than it holds.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Next(ReadOnlySpan<int> tableIndices, Span<int> values)
    {
        if (tableIndices.Length != values.Length)
        {
            throw new ArgumentException($"{values.Length} values but {tableIndices.Length} table indices.", nameof(values));
        }

        if (values.Length > total - decoded)
        {
            throw new EntropyDecodeException($"{values.Length} more symbols asked of a stream with {total - decoded} left.");
        }

        int laneCount = lanes.Length;
        int lane = decoded % laneCount;
        int end = stream.Length;
        fixed (byte* src = stream)
        {
            for (int i = 0; i < values.Length; i++)
            {
                int t = tableIndices[i];
                if ((uint)t >= (uint)tables.Length)
                {
                    EscapeCode.ThrowBadIndex(decoded + i, t, tables.Length);
                }

                CdfTable table = tables[t];
                ulong x = lanes[lane];
                uint slot = (uint)x & SlotMask;
                int symbol = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Buckets), slot >> CdfTable.BucketShift);
                ref int c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.CdfArray), symbol);
                while ((uint)Unsafe.Add(ref c, 1) <= slot)
                {
                    c = ref Unsafe.Add(ref c, 1);
                    symbol++;
                }

                uint start = (uint)c;
                x = ((uint)Unsafe.Add(ref c, 1) - start) * (x >> EntropyConstants.PrecisionBits) + slot - start;
                if (x < StateLow)
                {
                    if (pos >= end)
                    {
                        RansDecoder.ThrowPastEnd(decoded + i);
                    }

                    x = (x << 32) | RansDecoder.ReadWord(src + pos);
                    pos += 4;
                }

                values[i] = symbol == table.EscapeSymbol
                    ? RansDecoder.ReadEscape(stream, ref x, ref pos, table.Offset, table.EscapeSymbol, decoded + i)
                    : table.Offset + symbol;
                lanes[lane] = x;
                if (++lane == laneCount)
                {
                    lane = 0;
                }
            }
        }

        decoded += values.Length;
    }

    /// <summary>Checks that every symbol was read and the stream ended where the encoder began.</summary>
    /// <exception cref="EntropyDecodeException">Symbols or bytes are left over, or a state is not the initial one.</exception>
    public void Finish()
    {
        if (decoded != total)
        {
            throw new EntropyDecodeException($"{total - decoded} of the stream's {total} symbols were not read.");
        }

        foreach (ulong x in lanes)
        {
            if (pos != stream.Length || x != StateLow)
            {
                RansDecoder.ThrowBadEnd(stream.Length - pos, x, total);
            }
        }
    }
}
