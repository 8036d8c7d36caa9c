using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Encodes symbols last to first, pushing renormalisation words into a buffer that fills from its
/// end towards its start, so the finished stream reads forwards for the decoder.
/// </summary>
internal static class RansEncoder
{
    public const ulong StateLow = 1UL << 31;

    /// <summary>Above freq · 2^47 the next step would overflow 2^63, so a word must go out first.</summary>
    private const int RenormShift = 63 - EntropyConstants.PrecisionBits;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte[] Encode(ReadOnlySpan<int> values, ReadOnlySpan<int> tableIndices, CdfTable[] tables)
    {
        // Most latents cost well under 4 bits, so an eighth of a word per symbol rarely grows.
        var words = new uint[values.Length / 8 + 16];
        int pos = words.Length;
        ulong x = StateLow;
        for (int i = values.Length - 1; i >= 0; i--)
        {
            CdfTable table = EscapeCode.TableFor(tables, tableIndices, i);
            int symbol = EscapeCode.SymbolFor(values, i, table, tableIndices[i], out bool below, out int excess);
            if (symbol == table.EscapeSymbol)
            {
                // Copies, because a ref to x, words or pos would keep them in memory everywhere.
                ulong xs = x;
                uint[] ws = words;
                int ps = pos;
                PutEscapePayload(ref xs, ref ws, ref ps, below, excess);
                x = xs;
                words = ws;
                pos = ps;
            }

            ref int c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.CdfArray), symbol);
            uint start = (uint)c;
            uint freq = (uint)Unsafe.Add(ref c, 1) - start;
            if (x >= (ulong)freq << RenormShift)
            {
                if (pos == 0)
                {
                    pos = words.Length;
                    words = Grow(words);
                }

                words[--pos] = (uint)x;
                x >>= 32;
            }

            ulong q = x / freq;
            x = (q << EntropyConstants.PrecisionBits) + (x - q * freq) + start;
        }

        return Finish(x, words.AsSpan(pos));
    }

    /// <summary>Pushed in reverse of the order <see cref="RansDecoder"/> reads it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void PutEscapePayload(ref ulong x, ref uint[] words, ref int pos, bool below, int excess)
    {
        int mantissaBits = EscapeCode.BitLength(excess) - 1;
        uint mantissa = (uint)excess & ((1u << mantissaBits) - 1);
        if (mantissaBits > EscapeCode.ChunkBits)
        {
            PutBits(ref x, ref words, ref pos, mantissa & 0xFFFF, EscapeCode.ChunkBits);
            PutBits(ref x, ref words, ref pos, mantissa >> EscapeCode.ChunkBits, mantissaBits - EscapeCode.ChunkBits);
        }
        else if (mantissaBits > 0)
        {
            PutBits(ref x, ref words, ref pos, mantissa, mantissaBits);
        }

        uint header = (below ? EscapeCode.BelowFlag : 0) | (uint)mantissaBits;
        PutBits(ref x, ref words, ref pos, header, EscapeCode.HeaderBits);
    }

    /// <summary>A uniform symbol: frequency 2^(16 - bits), so division becomes a shift.</summary>
    private static void PutBits(ref ulong x, ref uint[] words, ref int pos, uint value, int bits)
    {
        int shift = EntropyConstants.PrecisionBits - bits;
        if (x >= 1UL << (RenormShift + shift))
        {
            if (pos == 0)
            {
                pos = words.Length;
                words = Grow(words);
            }

            words[--pos] = (uint)x;
            x >>= 32;
        }

        x = ((x >> shift) << EntropyConstants.PrecisionBits) + (x & ((1UL << shift) - 1)) + ((ulong)value << shift);
    }

    /// <summary>Doubles a full buffer, keeping its content at the end where the encoder wrote it.</summary>
    internal static uint[] Grow(uint[] full)
    {
        var grown = new uint[Math.Max(64, full.Length * 2)];
        full.CopyTo(grown, grown.Length - full.Length);
        return grown;
    }

    private static byte[] Finish(ulong x, ReadOnlySpan<uint> words)
    {
        // A state below 2^32 has bit 31 set; a high word never does, which tells the reader which.
        int flush = x >> 32 == 0 ? 4 : 8;
        var bytes = new byte[flush + 4 * words.Length];
        if (flush == 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)x);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(x >> 32));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)x);
        }

        var payload = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan(flush));
        if (BitConverter.IsLittleEndian)
        {
            words.CopyTo(payload);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(words, payload);
        }

        return bytes;
    }
}
