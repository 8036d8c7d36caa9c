using System.Buffers.Binary;

namespace HiFiC.Codec.Entropy;

/// <summary>
/// Binary layout of a <see cref="CdfTableSet"/>, all little-endian:
/// "HCDF", u16 version (1), u16 precision bits (16), u32 table count, then per table
/// i32 offset, u16 symbol count, and that many u16 frequencies (the CDF's differences).
/// Frequencies rather than CDF values make "every symbol has frequency >= 1" and "sums to 2^16"
/// the only invariants left to check.
/// </summary>
internal static class CdfTableSetFormat
{
    public const ushort Version = 1;
    private static ReadOnlySpan<byte> Magic => "HCDF"u8;
    private const int HeaderSize = 12;
    private const int TableHeaderSize = 6;
    private const int MinTableSize = TableHeaderSize + 2 * sizeof(ushort);

    public static byte[] Write(CdfTable[] tables)
    {
        int size = HeaderSize;
        foreach (var table in tables)
        {
            size += TableHeaderSize + 2 * table.SymbolCount;
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], EntropyConstants.PrecisionBits);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)tables.Length);
        int pos = HeaderSize;
        foreach (var table in tables)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[pos..], table.Offset);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(pos + 4)..], (ushort)table.SymbolCount);
            pos += TableHeaderSize;
            var cdf = table.Cdf;
            for (int s = 0; s < table.SymbolCount; s++, pos += 2)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[pos..], (ushort)(cdf[s + 1] - cdf[s]));
            }
        }

        return bytes;
    }

    public static CdfTable[] Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || !data[..4].SequenceEqual(Magic))
        {
            throw Invalid($"not a CDF table set: expected the \"HCDF\" header of {HeaderSize} bytes");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != Version)
        {
            throw Invalid($"unsupported version {version}; this build reads version {Version}");
        }

        ushort precision = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        if (precision != EntropyConstants.PrecisionBits)
        {
            throw Invalid($"precision is {precision} bits; this build codes with {EntropyConstants.PrecisionBits}");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (count < 1 || count > EntropyConstants.MaxTables)
        {
            throw Invalid($"table count {count} is outside 1..{EntropyConstants.MaxTables}");
        }

        // Checked before allocating so a forged count cannot make us reserve more than the input backs.
        if ((long)count * MinTableSize > data.Length - HeaderSize)
        {
            throw Invalid($"{count} tables cannot fit in {data.Length} bytes (truncated?)");
        }

        var tables = new CdfTable[count];
        int pos = HeaderSize;
        for (int i = 0; i < tables.Length; i++)
        {
            tables[i] = ReadTable(data, ref pos, i);
        }

        if (pos != data.Length)
        {
            throw Invalid($"{data.Length - pos} unexpected bytes after the last table");
        }

        return tables;
    }

    private static CdfTable ReadTable(ReadOnlySpan<byte> data, ref int pos, int index)
    {
        if (data.Length - pos < TableHeaderSize)
        {
            throw Invalid($"table {index} is truncated");
        }

        int offset = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        int symbols = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 4)..]);
        pos += TableHeaderSize;
        if (!CdfTableSet.IsValidOffset(offset))
        {
            throw Invalid($"table {index} has offset {offset}, outside ±{EntropyConstants.MaxOffsetMagnitude}");
        }

        if (symbols < 2 || symbols > EntropyConstants.MaxSymbolsPerTable)
        {
            throw Invalid($"table {index} has {symbols} symbols; expected 2..{EntropyConstants.MaxSymbolsPerTable}");
        }

        if (data.Length - pos < 2 * symbols)
        {
            throw Invalid($"table {index} is truncated: {symbols} frequencies need {2 * symbols} bytes");
        }

        var cdf = new int[symbols + 1];
        for (int s = 0; s < symbols; s++, pos += 2)
        {
            int freq = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
            if (freq == 0)
            {
                throw Invalid($"table {index} gives symbol {s} frequency 0; every symbol needs at least 1");
            }

            cdf[s + 1] = cdf[s] + freq;
        }

        if (cdf[^1] != EntropyConstants.CdfTotal)
        {
            throw Invalid($"table {index}'s frequencies sum to {cdf[^1]}, not {EntropyConstants.CdfTotal}");
        }

        return new CdfTable(offset, cdf);
    }

    private static InvalidDataException Invalid(string detail) => new($"Invalid CDF table set: {detail}.");
}
