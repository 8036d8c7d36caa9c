using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Encodes with four states, symbol i (and its escape payload) through state i mod 4, last
/// symbol first, all states pushing their renormalisation words into one buffer; the decoder
/// meets the words in the reverse order, which is exactly the order it needs them. Each step is
/// the single-state encoder's step, so the output is deterministic and every symbol costs what it
/// costs there; the price of interleaving is three more final states.
/// </summary>
/// <remarks>
/// Stream layout: the final states of lanes 0, 1, 2 and 3, each as <see cref="RansCoder"/> writes
/// its one state (a u32 with its top bit set, or two u32: high then low), then the u32 words.
/// </remarks>
internal static class InterleavedRansEncoder
{
    private const ulong StateLow = RansEncoder.StateLow;
    private const int RenormShift = 63 - EntropyConstants.PrecisionBits;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte[] Encode(ReadOnlySpan<int> values, ReadOnlySpan<int> tableIndices, CdfTable[] tables)
    {
        var words = new uint[values.Length / 8 + 16];
        int pos = words.Length;

        // a is the state of symbol i's lane (i mod 4), b that of i - 1, and so on: they rotate,
        // so after the loop (i = -1) a is lane 3 and d lane 0.
        ulong a = StateLow, b = StateLow, c = StateLow, d = StateLow;
        for (int i = values.Length - 1; i >= 0; i--)
        {
            CdfTable table = EscapeCode.TableFor(tables, tableIndices, i);
            int symbol = EscapeCode.SymbolFor(values, i, table, tableIndices[i], out bool below, out int excess);
            ulong x = a;
            if (symbol == table.EscapeSymbol)
            {
                uint[] ws = words;
                int ps = pos;
                RansEncoder.PutEscapePayload(ref x, ref ws, ref ps, below, excess);
                words = ws;
                pos = ps;
            }

            ref int cdf = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.CdfArray), symbol);
            uint start = (uint)cdf;
            uint freq = (uint)Unsafe.Add(ref cdf, 1) - start;
            if (x >= (ulong)freq << RenormShift)
            {
                if (pos == 0)
                {
                    pos = words.Length;
                    words = RansEncoder.Grow(words);
                }

                words[--pos] = (uint)x;
                x >>= 32;
            }

            ulong q = x / freq;
            a = b;
            b = c;
            c = d;
            d = (q << EntropyConstants.PrecisionBits) + (x - q * freq) + start;
        }

        return Finish([d, c, b, a], words.AsSpan(pos));
    }

    private static byte[] Finish(ReadOnlySpan<ulong> states, ReadOnlySpan<uint> words)
    {
        int flush = 0;
        foreach (ulong x in states)
        {
            flush += x >> 32 == 0 ? 4 : 8;
        }

        var bytes = new byte[flush + 4 * words.Length];
        int at = 0;
        foreach (ulong x in states)
        {
            // A state below 2^32 has bit 31 set; a high word never does, which tells the reader which.
            if (x >> 32 == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)x);
                at += 4;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)(x >> 32));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), (uint)x);
                at += 8;
            }
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
