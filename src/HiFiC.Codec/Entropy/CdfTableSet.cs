namespace HiFiC.Codec.Entropy;

/// <summary>
/// An immutable, indexed set of quantised distributions: the integers both encoder and decoder
/// must agree on, built once from a trained model and stored with its weights.
/// </summary>
public sealed class CdfTableSet
{
    private readonly CdfTable[] _tables;

    private CdfTableSet(CdfTable[] tables)
    {
        _tables = tables;
        DecodeTables = new RansDecodeTables(tables);
    }

    public int Count => _tables.Length;

    public CdfTable this[int index] => (uint)index < (uint)_tables.Length
        ? _tables[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The set has {_tables.Length} tables.");

    internal CdfTable[] Tables => _tables;

    /// <summary>Built eagerly (a copy of the buckets and CDFs) so the decoder's loop needs no lazy initialisation.</summary>
    internal RansDecodeTables DecodeTables { get; }

    /// <summary>
    /// Quantises each pmf to 16-bit frequencies, deterministically (same input, same integers on
    /// every machine). Every symbol gets frequency >= 1; the escape symbol gets the tail mass
    /// 1 - sum(pmf).
    /// </summary>
    /// <param name="pmfs">pmfs[i][k] is the probability of value offsets[i] + k.</param>
    /// <param name="offsets">The value coded as symbol 0 of each table.</param>
    public static CdfTableSet FromProbabilities(IReadOnlyList<double[]> pmfs, IReadOnlyList<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(pmfs);
        ArgumentNullException.ThrowIfNull(offsets);
        if (pmfs.Count != offsets.Count)
        {
            throw new ArgumentException($"{pmfs.Count} pmfs but {offsets.Count} offsets; they must pair up.", nameof(offsets));
        }

        CheckTableCount(pmfs.Count, nameof(pmfs));
        var tables = new CdfTable[pmfs.Count];
        for (int i = 0; i < tables.Length; i++)
        {
            if (!IsValidOffset(offsets[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), offsets[i],
                    $"offsets[{i}] must lie within ±{EntropyConstants.MaxOffsetMagnitude}.");
            }

            tables[i] = new CdfTable(offsets[i], CdfQuantizer.ToCdf(pmfs[i], i));
        }

        return new CdfTableSet(tables);
    }

    /// <summary>Versioned little-endian encoding; see <see cref="CdfTableSetFormat"/>.</summary>
    public byte[] ToBytes() => CdfTableSetFormat.Write(_tables);

    /// <exception cref="InvalidDataException">The bytes are not a complete, valid table set.</exception>
    public static CdfTableSet FromBytes(ReadOnlySpan<byte> data) => new(CdfTableSetFormat.Read(data));

    internal static bool IsValidOffset(int offset) =>
        offset >= -EntropyConstants.MaxOffsetMagnitude && offset <= EntropyConstants.MaxOffsetMagnitude;

    internal static void CheckTableCount(int count, string paramName)
    {
        if (count < 1 || count > EntropyConstants.MaxTables)
        {
            throw new ArgumentException($"A table set holds 1 to {EntropyConstants.MaxTables} tables, not {count}.", paramName);
        }
    }
}
