using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;

namespace HiFiC.Training;

public sealed record ExportOptions(string RunDir, string OutDir, string Id, string? EvalDir, int? MaxEvalImages, string Description);

/// <summary>
/// Turns a run's latest checkpoint into a shipped model folder: its averaged weights in float16, entropy tables
/// built from exactly those weights, and a card whose named rate points are placed on their target
/// bpp and measured by really compressing the eval images (<see cref="RateCalibrator"/>: --rate lo
/// means about 0.14 bpp, and --bpp maps to real file sizes).
/// </summary>
public static class ModelExporter
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"];

    /// <summary>Images the integer hyper-synthesis is calibrated on: a centre crop of the first training images.</summary>
    public const int CalibrationImageCount = 24;

    public static CodecModel Export(ExportOptions o, ILogger log, CancellationToken ct)
    {
        var checkpoint = Checkpoint.Latest(o.RunDir) ?? throw new InvalidOperationException($"No checkpoint in {o.RunDir}.");
        var state = Checkpoint.ReadState(checkpoint);
        var network = new HificModel(HificPreset.ByName(state.Preset));
        Checkpoint.LoadShippable(checkpoint, network);
        var rates = CodecModel.DefaultRates(network.Preset.RateLevels);
        var training = new TrainingInfo(state.Step, Math.Round(state.TrainingSeconds / 3600, 2), state.DataDir ?? "unknown",
            state.Phase ?? "rd", "HiFiC (Mentzer et al. 2020) with d_P = 1 - MS-SSIM; variable rate by per-level gains (Cui et al. 2021); see src/HiFiC.Training"
            + (state.Settings is null ? "" : $". At export: {state.Settings}"));
        var model = CodecModel.Export(network, o.OutDir, o.Id, rates, training, o.Description, CalibrationImages(state.DataDir, log));
        // Redrawn first: logs imported from elsewhere (tools/gpu-train) are not in the last plot the trainer drew.
        try { new TrainingLog(o.RunDir).Plot(); }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException) { log.LogWarning("Curves not redrawn: {Message}", e.Message); }
        TrainingSnapshot.Save(o.OutDir, o.RunDir, checkpoint);
        log.LogInformation("Exported step {Step} of {Run} to {Out} (digest {Digest})", state.Step, o.RunDir, o.OutDir, model.Digest[..16]);
        if (o.EvalDir is null) return model;

        var images = EvalImages(o.EvalDir, o.MaxEvalImages);
        var measured = RateCalibrator.Calibrate(model, images, rates, log, ct);
        RateCalibrator.WriteCard(o.OutDir, model.Card, measured);
        model.Dispose();
        return CodecModel.Load(o.OutDir);
    }

    /// <summary>The images of an eval folder, in name order, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<LoadedImage> EvalImages(string dir, int? limit) =>
        Directory.EnumerateFiles(dir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).Take(limit ?? int.MaxValue).Select(f => ImageIO.Load(f)).ToList();

    /// <summary>
    /// Up to <see cref="CalibrationImageCount"/> training images, each cut to its central 512x512
    /// (activation ranges, not content, are what calibration needs). Synthetic images when the
    /// training data is not on this machine.
    /// </summary>
    public static IReadOnlyList<RgbImage>? CalibrationImages(string? dataDir, ILogger log)
    {
        if (dataDir is null || !Directory.Exists(dataDir))
        {
            log.LogWarning("Training data {Dir} not found: the integer hyper-synthesis is calibrated on synthetic images", dataDir);
            return null;
        }
        var images = new List<RgbImage>();
        foreach (var file in Directory.EnumerateFiles(dataDir).Where(ImageIO.HasImageExtension).Order(StringComparer.Ordinal).Take(CalibrationImageCount))
        {
            var rgb = ImageIO.Load(file).Rgb;
            int w = Math.Min(512, rgb.Width), h = Math.Min(512, rgb.Height);
            images.Add(rgb.Crop(new PixelRect((rgb.Width - w) / 2, (rgb.Height - h) / 2, w, h)));
        }
        return images.Count > 0 ? images : null;
    }
}
