namespace HiFiC.Codec.Entropy;

/// <summary>
/// How a rANS stream spreads its symbols over coder states. The .hific format version selects it
/// (<see cref="RansStreamLayouts.ForFormatVersion"/>): files keep decoding with the layout they
/// were written with.
/// </summary>
public enum RansStreamLayout
{
    /// <summary>Format version 1: one 64-bit state for the whole stream.</summary>
    Single = 1,

    /// <summary>
    /// Format version 2: symbol i is coded by state i mod 4 (one state when the stream has fewer
    /// than <see cref="RansStreamLayouts.MinInterleavedSymbols"/> symbols), all four sharing one
    /// word stream. The four dependency chains are independent, so a core overlaps them.
    /// </summary>
    Interleaved = 2,
}

public static class RansStreamLayouts
{
    /// <summary>What new streams are written with.</summary>
    public const RansStreamLayout Current = RansStreamLayout.Interleaved;

    /// <summary>States per interleaved stream.</summary>
    public const int Lanes = 4;

    /// <summary>
    /// Below this many symbols an interleaved stream uses one state: three more final states
    /// (12-28 bytes) would cost more than the speed is worth on a stream that short.
    /// </summary>
    public const int MinInterleavedSymbols = 1024;

    /// <summary>States a stream of <paramref name="symbolCount"/> symbols uses under <paramref name="layout"/>.</summary>
    public static int LanesFor(RansStreamLayout layout, int symbolCount) =>
        layout == RansStreamLayout.Interleaved && symbolCount >= MinInterleavedSymbols ? Lanes : 1;

    /// <summary>The layout of a .hific file's streams, from the format version in its header.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A version this build does not know.</exception>
    public static RansStreamLayout ForFormatVersion(int formatVersion) => formatVersion switch
    {
        1 => RansStreamLayout.Single,
        2 => RansStreamLayout.Interleaved,
        _ => throw new ArgumentOutOfRangeException(nameof(formatVersion), formatVersion, "format versions 1 and 2 are known"),
    };
}
