namespace HiFiC.Codec.Entropy;

/// <summary>
/// Codes a sequence of integers, each with its own table, into ONE rANS stream (no per-channel
/// heads, so an empty input costs 4 bytes), with one state or four interleaved ones
/// (<see cref="RansStreamLayout"/>; new streams are interleaved, the decoder takes the layout the
/// stream was written with). Values outside a table's range go out as the escape
/// symbol followed by their distance in bypass bits, inside the same stream.
/// </summary>
/// <remarks>
/// Stream layout (one state): the encoder's final 64-bit state (one little-endian u32 if it fits, which its set
/// top bit marks, else two: high then low), then u32 words in the order the decoder consumes them.
/// State in [2^31, 2^63) with 32-bit renormalisation keeps the quotient x / freq >= 2^15, so
/// integer rounding costs a negligible fraction of a bit per symbol even at 16-bit precision.
/// Interleaved: see <see cref="InterleavedRansEncoder"/>.
/// </remarks>
public static class RansCoder
{
    /// <param name="values">values[i] is coded with tables[tableIndices[i]].</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A table index is out of range, or a value lies more than
    /// <see cref="EntropyConstants.MaxEscapeMagnitude"/> beyond its table's range.
    /// </exception>
    public static byte[] Encode(ReadOnlySpan<int> values, ReadOnlySpan<int> tableIndices, CdfTableSet tables,
        RansStreamLayout layout = RansStreamLayouts.Current)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckSameLength(values.Length, tableIndices.Length, nameof(values));
        return RansStreamLayouts.LanesFor(layout, values.Length) == 1
            ? RansEncoder.Encode(values, tableIndices, tables.Tables)
            : InterleavedRansEncoder.Encode(values, tableIndices, tables.Tables);
    }

    /// <summary>Inverse of <see cref="Encode"/>; needs the same table indices and tables.</summary>
    /// <exception cref="EntropyDecodeException">The stream is corrupt or was coded otherwise.</exception>
    public static void Decode(ReadOnlySpan<byte> stream, ReadOnlySpan<int> tableIndices, CdfTableSet tables, Span<int> values,
        RansStreamLayout layout = RansStreamLayouts.Current)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckSameLength(values.Length, tableIndices.Length, nameof(values));
        if (RansStreamLayouts.LanesFor(layout, values.Length) == 1)
        {
            RansDecoder.Decode(stream, tableIndices, tables.Tables, values);
        }
        else
        {
            InterleavedRansDecoder.Decode(stream, tableIndices, tables.DecodeTables, values);
        }
    }

    /// <summary>
    /// The ideal length in bits of what <see cref="Encode"/> writes: -log2 of each symbol's
    /// quantised probability, the escape payloads, and the 32-bit minimum final state of each
    /// state the layout uses. The real stream is within about 32 bits per state of this.
    /// </summary>
    public static double EstimateBits(ReadOnlySpan<int> values, ReadOnlySpan<int> tableIndices, CdfTableSet tables,
        RansStreamLayout layout = RansStreamLayouts.Current)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckSameLength(values.Length, tableIndices.Length, nameof(values));
        CdfTable[] all = tables.Tables;
        double bits = 32 * RansStreamLayouts.LanesFor(layout, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            CdfTable table = EscapeCode.TableFor(all, tableIndices, i);
            int symbol = EscapeCode.SymbolFor(values, i, table, tableIndices[i], out _, out int excess);
            if (symbol == table.EscapeSymbol)
            {
                bits += EscapeCode.PayloadBits(excess);
            }

            int[] cdf = table.CdfArray;
            bits += EntropyConstants.PrecisionBits - Math.Log2(cdf[symbol + 1] - cdf[symbol]);
        }

        return bits;
    }

    private static void CheckSameLength(int valueCount, int indexCount, string paramName)
    {
        if (valueCount != indexCount)
        {
            throw new ArgumentException($"{valueCount} values but {indexCount} table indices; there must be one index per value.", paramName);
        }
    }
}
