namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>
/// Per-image quality of the matching entries: <see cref="Counts"/>[i] images have a value in
/// [Min + i·w, Min + (i+1)·w) with w = (Max − Min) / Counts.Length (the last bin includes Max).
/// </summary>
/// <param name="Metric">"psnr" (dB) or "msssim".</param>
[GenerateSerializer, Immutable, Alias("hific.QualityHistogram.v1")]
public sealed record QualityHistogram(
    [property: Id(0)] string Metric,
    [property: Id(1)] double Min,
    [property: Id(2)] double Max,
    [property: Id(3)] IReadOnlyList<long> Counts)
{
    public const int Bins = 20;

    /// <summary>The histogram of <paramref name="values"/> over their own range in <see cref="Bins"/> bins; null when there are none.</summary>
    public static QualityHistogram? Of(string metric, IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        double min = values.Min(), max = values.Max();
        // One value (or all equal): a bin around it, so the chart still has a width.
        if (max - min < 1e-9) { var pad = Math.Max(Math.Abs(min) * 1e-3, 1e-3); min -= pad; max += pad; }
        var counts = new long[Bins];
        foreach (var v in values) counts[Math.Clamp((int)((v - min) / (max - min) * Bins), 0, Bins - 1)]++;
        return new QualityHistogram(metric, min, max, counts);
    }
}
