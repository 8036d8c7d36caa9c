using System.CommandLine;
using HiFiC.Cli.Batch;
using HiFiC.Cli.Files;
using HiFiC.Cli.Output;
using HiFiC.Cli.Results;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.ConstantQuality;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;
using Spectre.Console;

namespace HiFiC.Cli.Files;

/// <summary>`hific compress IN [-o OUT]`: images to .hific, one file or a whole folder tree.</summary>
public sealed class CompressCommand : Command, IForwardOnlyCommand
{
    private readonly Argument<string> input = new("input") { Description = "Image file, or folder of images searched recursively (png jpg jpeg webp bmp tif tiff gif)." };
    private readonly Option<string?> output = CommonOptions.Output("Output file, or folder for a folder input (mirrors its structure). Default: beside each input, extension .hific.");
    private readonly Option<string?> model = CommonOptions.Model();
    private readonly Option<string?> rate = CommonOptions.Rate();
    private readonly Option<double?> bpp = CommonOptions.Bpp();
    private readonly Option<int> tile = CommonOptions.Tile();
    private readonly Option<int> refine = CommonOptions.Refine();
    private readonly Option<string?> effort = CommonOptions.Effort();
    private readonly Option<bool> overwrite = CommonOptions.Overwrite();
    private readonly Option<double?> targetMsSsim = CommonOptions.TargetMsSsim();

    public CompressCommand(CliContext cli) : base("compress", "Compress images to .hific files.")
    {
        Add(input); Add(output); Add(model); Add(rate); Add(bpp); Add(tile); Add(refine); Add(effort); Add(overwrite); Add(targetMsSsim);
        CommonOptions.RateOrBpp(this, rate, bpp);
        CommonOptions.TargetExcludesRate(this, targetMsSsim, rate, bpp);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    public bool ForwardOnly(ParseResult parse)
    {
        try { return CommonOptions.ResolveEffort(parse, effort, refine).Steps == 0; }
        catch (UsageException) { return true; } // refused later, with its message
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var plan = FilePlanner.Plan(r.GetValue(input)!, r.GetValue(output), InputKinds.Images, ".hific");
        if (plan.Jobs.Count == 0)
        {
            cli.Warn($"no images in {r.GetValue(input)} ({plan.Ignored} other files ignored)");
            return ExitCodes.Ok;
        }
        var codec = cli.Models.Load(r.GetValue(model));
        var choice = new RateChoice(r.GetValue(rate), r.GetValue(bpp));
        double t = choice.Resolve(codec);
        var (level, steps) = CommonOptions.ResolveEffort(r, effort, refine);
        var options = new CompressOptions { Rate = t, TileSize = r.GetValue(tile), RefineSteps = steps };
        try { options.Validate(codec.Preset.RateLevels); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var target = r.GetValue(targetMsSsim) is { } q ? new QualityTarget(q) : null;
        string rateText = target is null ? choice.Describe(codec, t) : $"lowest reaching MS-SSIM {Units.F(target.MinMsSsim, 4)} per image";
        cli.Logger("hific.compress").LogModel(codec, rateText + $", effort {level ?? "custom"} ({steps} refinement steps)");

        var encoder = new HificEncoder(codec);
        using var constantQuality = target is null ? null : new ConstantQualityEncoder(codec);
        bool replace = r.GetValue(overwrite);
        var runner = new BatchRunner(cli);
        var report = runner.Run(plan, "Compressing", (job, token) => constantQuality is null
            ? CompressOne(encoder, options, job, replace, token)
            : CompressToTarget(constantQuality, target!, options, job, replace, token), Describe, ct);

        if (plan.IsBatch) WriteSummary(cli, report, codec, rateText);
        else if (report.Results.FirstOrDefault() is { } one) cli.Out.WriteLine($"{one.Name} -> {one.Output}: {Describe(one)}");
        runner.ReportFailures(report);
        return report.ExitCode;
    }

    private static CompressedFile CompressOne(HificEncoder encoder, CompressOptions options, FileJob job, bool replace, CancellationToken ct)
    {
        // Checked before decoding the image: a rerun over a finished folder costs no compute.
        if (!replace && File.Exists(job.Output)) throw new OutputExistsException(job.Output!);
        long inputBytes = new FileInfo(job.Input).Length;
        var image = ImageIO.Load(job.Input);
        CompressResult? result = null;
        AtomicFile.Write(job.Output!, replace, s => result = encoder.Compress(image, s, options, ct), ct);
        return new CompressedFile(job.Name, job.Output!, inputBytes, result!);
    }

    private static CompressedFile CompressToTarget(ConstantQualityEncoder encoder, QualityTarget target, CompressOptions options, FileJob job, bool replace, CancellationToken ct)
    {
        if (!replace && File.Exists(job.Output)) throw new OutputExistsException(job.Output!);
        long inputBytes = new FileInfo(job.Input).Length;
        var image = ImageIO.Load(job.Input);
        ConstantQualityResult? result = null;
        AtomicFile.Write(job.Output!, replace, s => result = encoder.Compress(image, s, target, options, ct), ct);
        return new CompressedFile(job.Name, job.Output!, inputBytes, result!.Result) { Quality = result };
    }

    /// <summary>"rate t = 0.625 (MS-SSIM 0.9561, target reached)", or why the target was not reached.</summary>
    internal static string DescribeChoice(ConstantQualityResult q) =>
        $"rate t = {Units.F(q.Choice.Rate, 3)} (MS-SSIM {Units.F(q.MsSsim, 4)}, " + q.Choice.Stop switch
        {
            RateSearchStop.Reached => "target reached",
            RateSearchStop.Knee => "target NOT reached: stopped at the knee, higher rates gain almost nothing",
            _ => "target NOT reached at the model's highest rate",
        } + $", {q.Choice.Probes.Count} rates tried)";

    private static string Describe(CompressedFile f) =>
        (f.Quality is { } q ? DescribeChoice(q) + ", " : "") +
        $"{f.Result.Width}x{f.Result.Height}, {Units.Bytes(f.Result.Bytes)}, {Units.F(f.Result.Bpp, 4)} bpp " +
        $"(estimated {Units.F(f.Result.EstimatedBpp, 4)}), {f.Result.Tiles} tile{(f.Result.Tiles == 1 ? "" : "s")}, {Units.Seconds(f.Result.Elapsed)}" +
        // How often refinement paid: tiles where the guard kept the plain latent (step 0).
        (f.Result.RefinedTiles > 0 ? $", {f.Result.RefineSteps} refinement steps, plain latent kept in {f.Result.TilesKeptPlain} of {f.Result.RefinedTiles} tiles" : "");

    /// <summary>Constant-quality runs: how many images got each rate, and how many missed the target.</summary>
    private static IEnumerable<(string, string)> RateDistribution(IReadOnlyList<CompressedFile> done)
    {
        var chosen = done.Where(f => f.Quality is not null).Select(f => f.Quality!).ToList();
        if (chosen.Count == 0) yield break;
        foreach (var g in chosen.GroupBy(q => q.Choice.Rate).OrderBy(g => g.Key))
            yield return ($"Rate t = {Units.F(g.Key, 3)}", $"{Units.Count(g.Count())} image{(g.Count() == 1 ? "" : "s")}, mean {Units.F(g.Average(q => q.Result.Bpp), 4)} bpp");
        yield return ("Target missed", Units.Count(chosen.Count(q => !q.Choice.Reached)));
    }

    private static void WriteSummary(CliContext cli, BatchReport<CompressedFile> report, CodecModel codec, string rateText)
    {
        var done = report.Results.ToList();
        long inBytes = done.Sum(f => f.InputBytes), outBytes = done.Sum(f => f.Result.Bytes), pixels = done.Sum(f => f.Pixels);
        SummaryTable.Write(cli.Out, $"compress: model {codec.Id}, rate {rateText}",
        [
            ("Files", Units.Count(report.Plan.Jobs.Count)),
            ("OK", Units.Count(report.OkCount)),
            ("Failed", Units.Count(report.FailedCount)),
            ("Ignored", Units.Count(report.Plan.Ignored)),
            ("Bytes in", Units.Bytes(inBytes)),
            ("Bytes out", Units.Bytes(outBytes)),
            ("Ratio", outBytes > 0 ? Units.F((double)inBytes / outBytes, 1) + "x" : "-"),
            ("Mean bpp", done.Count > 0 ? Units.F(done.Average(f => f.Result.Bpp), 4) : "-"),
            .. RateDistribution(done),
            ("MP/s", Units.F(pixels / 1e6 / Math.Max(report.Elapsed.TotalSeconds, 1e-9), 3)),
            ("Time", Units.Seconds(report.Elapsed)),
        ]);
    }
}
