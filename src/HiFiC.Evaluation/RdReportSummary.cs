namespace HiFiC.Evaluation;

/// <summary>What a benchmark run produced, and where it wrote it.</summary>
public sealed record RdReportSummary(
    string OutDir,
    int Images,
    IReadOnlyList<RdPoint> Points,
    IReadOnlyList<RdCurve> Curves,
    IReadOnlyList<BdRateEntry> BdRates,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Files,
    TimeSpan Elapsed,
    int ReusedPoints = 0);
