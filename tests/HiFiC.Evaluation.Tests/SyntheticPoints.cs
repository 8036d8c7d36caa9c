using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

/// <summary>Made-up RD points: a "jpeg" anchor and a learned "ours" that needs exactly half its bits.</summary>
internal static class SyntheticPoints
{
    public static readonly double[] JpegQualities = [10, 30, 50, 70];

    public static List<RdPoint> Make()
    {
        var points = new List<RdPoint>();
        foreach (var (image, offset) in new[] { ("a", 0.0), ("b", 1.5) })
            for (int i = 0; i < JpegQualities.Length; i++)
            {
                double psnr = 26 + 2 * i + offset, msssim = 0.90 + 0.02 * i;
                double bpp = 0.1 * Math.Pow(1.8, i) * (1 + offset / 10);
                points.Add(new RdPoint(image, 64, 48, "jpeg", RdPoint.ClassicKind, "quality", JpegQualities[i],
                    (long)(bpp * 64 * 48 / 8), bpp, psnr, msssim, 0.01, 0.01));
                points.Add(new RdPoint(image, 64, 48, "ours", RdPoint.LearnedKind, "t", i * 0.5,
                    (long)(bpp * 64 * 48 / 16), bpp / 2, psnr, msssim, 0.1, 0.2));
            }
        return points;
    }
}
