using System.CommandLine;
using HiFiC.Cli.Output;
using HiFiC.Codec.Models;
using HiFiC.Training;
using Spectre.Console;

namespace HiFiC.Cli.Train;

/// <summary>
/// `hific train calibrate`: re-places a model's named rates (lo, mi, hi) on their target bpp and
/// measures them on an eval folder, rewriting only its card. For models exported before the names
/// were placed, or to calibrate on another eval set; the digest and every file written stay valid.
/// </summary>
public sealed class TrainCalibrateCommand : Command, IForwardOnlyCommand
{
    public bool ForwardOnly(ParseResult parse) => true;

    private readonly Argument<string> model = new("model") { Description = "Model id, digest prefix or model folder." };
    private readonly Option<string> eval = new("--eval") { Description = "Folder of images to measure on.", DefaultValueFactory = _ => "../shared/datasets/eval" };
    private readonly Option<int?> limit = CommonOptions.Limit("eval images");

    public TrainCalibrateCommand(CliContext cli) : base("calibrate", "Place a model's named rates on their target bpp, measured on an eval folder (rewrites the card only).")
    {
        Add(model); Add(eval); Add(limit);
        CommonOptions.Positive(limit);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var evalDir = r.GetValue(eval)!;
        if (!Directory.Exists(evalDir)) throw new UsageException($"Eval folder not found: {evalDir}");
        var loaded = cli.Models.Load(r.GetValue(model));
        var dir = loaded.Directory ?? throw new UsageException("Only a model folder's card can be rewritten.");
        var images = ModelExporter.EvalImages(evalDir, r.GetValue(limit));
        if (images.Count == 0) throw new UsageException($"No images in {evalDir}.");
        var rates = RateCalibrator.Calibrate(loaded, images, loaded.Card.Rates, cli.Logger("HiFiC.Training.RateCalibrator"), ct);
        RateCalibrator.WriteCard(dir, loaded.Card, rates);
        cli.Out.WriteLine($"Calibrated {loaded.Card.Id} ({loaded.Card.Digest[..16]}) on {images.Count} images from {evalDir}:");
        foreach (var p in rates)
            cli.Out.WriteLine($"  {p.Name} t={Units.F(p.Rate, 2)}: target {Units.F(p.TargetBpp, 3)} bpp, measured {Units.F(p.EvalBpp ?? double.NaN, 4)} bpp, " +
                $"{Units.F(p.EvalPsnr ?? double.NaN, 2)} dB, MS-SSIM {Units.F(p.EvalMsSsim ?? double.NaN, 4)}");
        return ExitCodes.Ok;
    }
}
