using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;

namespace HiFiC.Training;

/// <summary>
/// Places a variable-rate model's named operating points (lo, mi, hi) on the rates that give their
/// target bpp on an eval set, and measures them by really compressing and decompressing every image.
/// The trained levels land where training left them (step 28,226 of hific-lite: 0.164 / 0.330 /
/// 0.444 bpp against targets 0.14 / 0.30 / 0.45); since the rate is continuous, a name need not sit
/// on a level. Weights and tables are untouched, so the model's digest and its files stay valid.
/// </summary>
public static class RateCalibrator
{
    /// <summary>Rates are placed to this step: finer would only chase the eval set's noise.</summary>
    public const double RateStep = 0.01;

    /// <summary>
    /// Measures the trained levels, puts each of <paramref name="targets"/> at the rate whose bpp
    /// (log-linear between the measured levels, extended past the ends within the codec's range) is
    /// its target, and measures those rates. Points come back in the order of the targets.
    /// </summary>
    public static IReadOnlyList<RatePoint> Calibrate(CodecModel model, IReadOnlyList<LoadedImage> images,
        IReadOnlyList<RatePoint> targets, ILogger log, CancellationToken ct)
    {
        int levels = model.Preset.RateLevels;
        var measured = new Dictionary<double, RatePoint>();
        RatePoint At(string name, double t, double target)
        {
            if (!measured.TryGetValue(t, out var m))
                measured[t] = m = Measure(model, images, new RatePoint(name, t, target), log, ct);
            return m with { Name = name, TargetBpp = target };
        }
        var curve = Enumerable.Range(0, levels).Select(i => At($"level{i}", i, 0)).ToList();
        return targets.Select(p => At(p.Name, Place(curve, p.TargetBpp, levels), p.TargetBpp)).ToList();
    }

    /// <summary>The rate for <paramref name="bpp"/> on a measured curve (points at increasing t), to <see cref="RateStep"/>.</summary>
    public static double Place(IReadOnlyList<RatePoint> curve, double bpp, int levels)
    {
        if (curve.Count < 2 || curve.Any(p => p.EvalBpp is not > 0)) return curve.Count == 1 ? curve[0].Rate : 0;
        // The segment that holds the target, or the end segment nearest to it.
        int i = 1;
        while (i < curve.Count - 1 && bpp > curve[i].EvalBpp!.Value) i++;
        double a = Math.Log(curve[i - 1].EvalBpp!.Value), b = Math.Log(curve[i].EvalBpp!.Value);
        double t = b > a ? curve[i - 1].Rate + (Math.Log(bpp) - a) / (b - a) * (curve[i].Rate - curve[i - 1].Rate) : curve[i].Rate;
        t = Math.Round(t / RateStep) * RateStep;
        return Math.Round(Math.Clamp(t, RateGains.MinRate(levels), RateGains.MaxRate(levels)), 6);
    }

    /// <summary>
    /// One rate on every image: means over images of bpp (the whole file), PSNR and MS-SSIM, the
    /// measures of `hific bench rd` and of the paper's tables. (Total bits over total pixels weighs the
    /// big photos more: 0.40 against 0.44 bpp at hi for step 28,226, which made the card and the RD
    /// report disagree.)
    /// </summary>
    public static RatePoint Measure(CodecModel model, IReadOnlyList<LoadedImage> images, RatePoint point, ILogger log, CancellationToken ct)
    {
        if (images.Count == 0) throw new ArgumentException("No eval images to measure on.", nameof(images));
        var encoder = new HificEncoder(model);
        var decoder = new HificDecoder(model);
        double bpp = 0, psnr = 0, msssim = 0;
        foreach (var image in images)
        {
            ct.ThrowIfCancellationRequested();
            var ms = new MemoryStream();
            var result = encoder.Compress(image, ms, new CompressOptions { Rate = point.Rate }, ct);
            ms.Position = 0;
            var decoded = decoder.Decompress(ms, null, ct);
            bpp += result.Bytes * 8.0 / ((double)result.Width * result.Height);
            psnr += Psnr.Compute(image.Rgb, decoded.Image);
            msssim += MsSsim.Compute(image.Rgb, decoded.Image);
        }
        var measured = point with
        {
            EvalBpp = Math.Round(bpp / images.Count, 4),
            EvalPsnr = Math.Round(psnr / images.Count, 3),
            EvalMsSsim = Math.Round(msssim / images.Count, 5),
        };
        log.LogInformation("Rate {Name} (t={Rate}): {Bpp:F4} bpp, {Psnr:F2} dB, MS-SSIM {Ms:F4} on {Count} images",
            point.Name, point.Rate, measured.EvalBpp, measured.EvalPsnr, measured.EvalMsSsim, images.Count);
        return measured;
    }

    /// <summary>Rewrites a model folder's card with <paramref name="rates"/>; weights and tables are not touched.</summary>
    public static void WriteCard(string modelDir, ModelCard card, IReadOnlyList<RatePoint> rates) =>
        File.WriteAllText(Path.Combine(modelDir, CodecModel.CardFile), (card with { Rates = rates }).ToJson());
}
