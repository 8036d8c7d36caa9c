namespace HiFiC.Evaluation;

/// <summary>One setting of a codec, averaged over the images (mean bpp, mean PSNR, mean MS-SSIM).</summary>
public sealed record RdCurvePoint(double Setting, int Images, double Bpp, double Psnr, double MsSsim, double Butteraugli = double.NaN)
{
    public double MsSsimDb => RdPoint.MsSsimToDb(MsSsim);
}

/// <summary>
/// A codec's dataset-level RD curve: per setting, the mean over images of bpp and of each metric
/// (as CompressAI reports Kodak curves). Only images that have every setting of the codec are
/// averaged, so each point covers the same images.
/// </summary>
public sealed record RdCurve(string Codec, string Label, string Kind, string SettingName, int Images, IReadOnlyList<RdCurvePoint> Points)
{
    public IEnumerable<(double Rate, double Quality)> PsnrSamples => Points.Select(p => (p.Bpp, p.Psnr));
    public IEnumerable<(double Rate, double Quality)> MsSsimSamples => Points.Select(p => (p.Bpp, p.MsSsimDb));

    public static RdCurve Mean(string codec, string label, IReadOnlyList<RdPoint> points)
    {
        var mine = points.Where(p => p.Codec == codec).ToList();
        var settings = mine.Select(p => p.Setting).Distinct().ToList();
        var complete = mine.GroupBy(p => p.Image)
            .Where(g => g.Select(p => p.Setting).Distinct().Count() == settings.Count)
            .Select(g => g.Key).ToHashSet();
        var used = mine.Where(p => complete.Contains(p.Image)).ToList();
        var curve = used.GroupBy(p => p.Setting)
            .Select(g => new RdCurvePoint(g.Key, g.Count(), g.Average(p => p.Bpp), g.Average(p => p.Psnr), g.Average(p => p.MsSsim), g.Average(p => p.Butteraugli)))
            .OrderBy(p => p.Bpp)
            .ToList();
        return new RdCurve(codec, label, mine.FirstOrDefault()?.Kind ?? RdPoint.ClassicKind,
            mine.FirstOrDefault()?.SettingName ?? "", complete.Count, curve);
    }
}
