using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Reads what <see cref="RansEncoder"/> wrote. Every step consumes at most one word and checks it
/// exists, so garbage input ends in an <see cref="EntropyDecodeException"/> within values.Length
/// steps; the state stays below 2^63 whatever the input, so the arithmetic cannot overflow.
/// </summary>
internal static class RansDecoder
{
    private const ulong StateLow = RansEncoder.StateLow;
    private const uint SlotMask = EntropyConstants.CdfTotal - 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Decode(ReadOnlySpan<byte> stream, ReadOnlySpan<int> tableIndices, CdfTable[] tables, Span<int> values)
    {
        ulong x = ReadInitialState(stream);
        int pos = x > uint.MaxValue ? 8 : 4;
        int end = stream.Length;
        int count = values.Length;

        // Raw pointers keep the loop's live values few enough to stay in registers.
        fixed (byte* src = stream)
        fixed (int* indices = tableIndices)
        fixed (int* output = values)
        {
            int i = 0;
            while (true)
            {
                CdfTable table = null!;
                int symbol = 0;
                for (; i < count; i++)
                {
                    int t = indices[i];
                    if ((uint)t >= (uint)tables.Length)
                    {
                        EscapeCode.ThrowBadIndex(i, t, tables.Length);
                    }

                    table = tables[t];

                    // Unchecked reads are safe: slot >> BucketShift is within the buckets, and the
                    // scan stops at the escape symbol at the latest because Cdf[^1] = 2^16 > slot.
                    uint slot = (uint)x & SlotMask;
                    symbol = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Buckets), slot >> CdfTable.BucketShift);
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
                            ThrowPastEnd(i);
                        }

                        x = (x << 32) | ReadWord(src + pos);
                        pos += 4;
                    }

                    if (symbol == table.EscapeSymbol)
                    {
                        break;
                    }

                    output[i] = table.Offset + symbol;
                }

                if (i == count)
                {
                    break;
                }

                // Out of the hot loop so the call's register saves stay out of it too, and through
                // copies because a ref to x or pos would keep them in memory everywhere.
                ulong xs = x;
                int ps = pos;
                output[i] = ReadEscape(stream, ref xs, ref ps, table.Offset, table.EscapeSymbol, i);
                x = xs;
                pos = ps;
                i++;
            }
        }

        if (pos != end || x != StateLow)
        {
            ThrowBadEnd(end - pos, x, values.Length);
        }
    }

    /// <returns>The encoder's final state; it occupied 8 bytes exactly when it exceeds 32 bits.</returns>
    private static ulong ReadInitialState(ReadOnlySpan<byte> stream)
    {
        int pos = 0;
        return ReadInitialState(stream, ref pos);
    }

    /// <summary>One final state at <paramref name="pos"/> (4 bytes, or 8 when it exceeds 32 bits); advances pos.</summary>
    internal static ulong ReadInitialState(ReadOnlySpan<byte> all, ref int pos)
    {
        var stream = all[pos..];
        if (stream.Length < 4 || stream.Length % 4 != 0)
        {
            throw new EntropyDecodeException($"rANS stream length {stream.Length} is not a positive multiple of 4 bytes.");
        }

        uint first = BinaryPrimitives.ReadUInt32LittleEndian(stream);
        if ((first & 0x8000_0000) != 0)
        {
            pos += 4;
            return first;
        }

        if (first == 0 || stream.Length < 8)
        {
            throw new EntropyDecodeException("rANS stream does not start with a valid final state.");
        }

        pos += 8;
        return ((ulong)first << 32) | BinaryPrimitives.ReadUInt32LittleEndian(stream[4..]);
    }

    internal static void ThrowBadEnd(int bytesLeft, ulong x, int count) =>
        throw new EntropyDecodeException(bytesLeft != 0
            ? $"rANS stream has {bytesLeft} bytes left after the last of {count} symbols (corrupt, or coded with other tables or indices)."
            : $"rANS stream ends in state 0x{x:X}, not the initial 0x{StateLow:X} (corrupt, or coded with other tables or indices).");

    /// <summary>The value an escape symbol stands for, read through state x (shared by both layouts).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int ReadEscape(ReadOnlySpan<byte> stream, ref ulong x, ref int pos, int offset, int escapeSymbol, int i)
    {
        uint header = ReadBits(stream, ref x, ref pos, EscapeCode.HeaderBits, i);
        int mantissaBits = (int)(header & EscapeCode.LengthMask);
        if (mantissaBits >= EntropyConstants.MaxEscapeBits)
        {
            throw new EntropyDecodeException(
                $"Escape at symbol {i} claims {mantissaBits + 1} bits; the limit is {EntropyConstants.MaxEscapeBits} (corrupt stream).");
        }

        uint mantissa = 0;
        if (mantissaBits > EscapeCode.ChunkBits)
        {
            mantissa = ReadBits(stream, ref x, ref pos, mantissaBits - EscapeCode.ChunkBits, i) << EscapeCode.ChunkBits;
            mantissa |= ReadBits(stream, ref x, ref pos, EscapeCode.ChunkBits, i);
        }
        else if (mantissaBits > 0)
        {
            mantissa = ReadBits(stream, ref x, ref pos, mantissaBits, i);
        }

        bool below = (header & EscapeCode.BelowFlag) != 0;
        return EscapeCode.ValueOf(offset, escapeSymbol, below, (int)((1u << mantissaBits) | mantissa));
    }

    private static uint ReadBits(ReadOnlySpan<byte> stream, ref ulong x, ref int pos, int bits, int i)
    {
        int shift = EntropyConstants.PrecisionBits - bits;
        uint slot = (uint)x & SlotMask;
        x = ((x >> EntropyConstants.PrecisionBits) << shift) + (slot & ((1u << shift) - 1));
        if (x < StateLow)
        {
            if (pos >= stream.Length)
            {
                ThrowPastEnd(i);
            }

            x = (x << 32) | BinaryPrimitives.ReadUInt32LittleEndian(stream[pos..]);
            pos += 4;
        }

        return slot >> shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe uint ReadWord(byte* at)
    {
        uint word = Unsafe.ReadUnaligned<uint>(at);
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }

    internal static void ThrowPastEnd(int i) =>
        throw new EntropyDecodeException($"rANS stream ends before symbol {i} is complete (truncated or corrupt).");
}
