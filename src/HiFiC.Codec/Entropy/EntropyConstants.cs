namespace HiFiC.Codec.Entropy;

/// <summary>Limits shared by the CDF tables, the rANS coder and the table file format.</summary>
public static class EntropyConstants
{
    /// <summary>Every CDF sums to 2^PrecisionBits, so a symbol's probability is freq / 65536.</summary>
    public const int PrecisionBits = 16;

    /// <summary>The total of every quantised CDF.</summary>
    public const int CdfTotal = 1 << PrecisionBits;

    /// <summary>
    /// An escaped value's distance beyond its table's range is written in at most this many bits,
    /// so that distance must be below 2^24 (see <see cref="MaxEscapeMagnitude"/>).
    /// </summary>
    public const int MaxEscapeBits = 24;

    /// <summary>The largest distance past a table's range that an escape can carry.</summary>
    public const int MaxEscapeMagnitude = (1 << MaxEscapeBits) - 1;

    /// <summary>Symbols per table, the escape symbol included; keeps the decode lookup 16-bit.</summary>
    public const int MaxSymbolsPerTable = 4096;

    /// <summary>Tables per set; bounds what a table file can make a reader allocate.</summary>
    public const int MaxTables = 65536;

    /// <summary>
    /// Bound on |Offset|: with the escape limit it keeps every codable value inside an int, so the
    /// decoder never has to check for overflow.
    /// </summary>
    public const int MaxOffsetMagnitude = 1 << 24;
}
