namespace HiFiC.Evaluation;

/// <summary>BD-rates of every codec against each anchor (the classic codecs), for PSNR and for MS-SSIM.</summary>
public static class BdRateTable
{
    /// <summary>
    /// MS-SSIM is fitted in dB (−10·log10(1 − MS-SSIM)): near 1 the raw value is too flat for a
    /// cubic in quality to follow, and the dB scale is what RD papers plot.
    /// </summary>
    public static IReadOnlyList<BdRateEntry> Build(IReadOnlyList<RdCurve> curves, IReadOnlyList<RdPoint> points,
        IReadOnlyList<string> anchors, BdRateMethod method = BdRateMethod.Polynomial)
    {
        var byCodecImage = points.GroupBy(p => (p.Codec, p.Image)).ToDictionary(g => g.Key, g => g.ToList());
        var imageNames = points.Select(p => p.Image).Distinct().ToList();
        var result = new List<BdRateEntry>();
        foreach (var metric in new[] { BdRateEntry.Psnr, BdRateEntry.MsSsim })
        {
            Func<RdPoint, double> quality = metric == BdRateEntry.Psnr ? p => p.Psnr : p => p.MsSsimDb;
            foreach (var anchor in curves.Where(c => anchors.Contains(c.Codec)))
                foreach (var test in curves.Where(c => c.Codec != anchor.Codec))
                {
                    // Only monotonic curves are fitted, and only over the quality range both cover (BdRate.Compute).
                    var flat = new[] { anchor, test }.Where(c => !BdRate.IsMonotonic(Samples(c, metric))).Select(c => c.Label).ToList();
                    double mean = flat.Count == 0 ? BdRate.Compute(Samples(anchor, metric), Samples(test, metric), method) : double.NaN;
                    var pairs = imageNames
                        .Where(i => byCodecImage.ContainsKey((anchor.Codec, i)) && byCodecImage.ContainsKey((test.Codec, i)))
                        .Select(i => (A: byCodecImage[(anchor.Codec, i)].Select(p => (p.Bpp, quality(p))).ToList(),
                                      T: byCodecImage[(test.Codec, i)].Select(p => (p.Bpp, quality(p))).ToList()))
                        .ToList();
                    var monotonic = pairs.Where(p => BdRate.IsMonotonic(p.A) && BdRate.IsMonotonic(p.T)).ToList();
                    var perImage = monotonic.Select(p => BdRate.Compute(p.A, p.T, method)).Where(double.IsFinite).ToList();
                    result.Add(new BdRateEntry(metric, test.Codec, anchor.Codec, mean, Median(perImage), perImage.Count,
                        flat.Count == 0 ? null : $"not monotonic: {string.Join(", ", flat)}", pairs.Count - monotonic.Count));
                }
        }
        return result;
    }

    /// <summary>The median (mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static IEnumerable<(double Rate, double Quality)> Samples(RdCurve c, string metric) =>
        metric == BdRateEntry.Psnr ? c.PsnrSamples : c.MsSsimSamples;
}
