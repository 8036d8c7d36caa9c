using System.CommandLine;
using HiFiC.Cli.Batch;
using HiFiC.Cli.Eval;
using HiFiC.Cli.Files;
using HiFiC.Cli.Output;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using Spectre.Console;
using TorchSharp;

namespace HiFiC.Cli.Eval;

/// <summary>`hific eval DIR`: rate and quality of a model on a set of images, through the real file format.</summary>
public sealed class EvalCommand : Command
{
    private readonly Argument<string> input = new("input") { Description = "Folder of images (searched recursively) or one image." };
    private readonly Option<string?> model = CommonOptions.Model();
    private readonly Option<string?> rate = CommonOptions.Rate();
    private readonly Option<double?> bpp = CommonOptions.Bpp();
    private readonly Option<int> tile = CommonOptions.Tile();
    private readonly Option<int> refine = CommonOptions.Refine();
    private readonly Option<string?> json = new("--json") { Description = "Also write the results as JSON to this file (replaced if it exists)." };
    private readonly Option<int?> limit = CommonOptions.Limit("images");

    public EvalCommand(CliContext cli) : base("eval", "Measure bpp (real file size), PSNR, MS-SSIM and speed on a set of images.")
    {
        Add(input); Add(model); Add(rate); Add(bpp); Add(tile); Add(refine); Add(json); Add(limit);
        CommonOptions.RateOrBpp(this, rate, bpp);
        CommonOptions.Positive(limit);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var full = FilePlanner.Plan(r.GetValue(input)!, null, InputKinds.Images, null);
        var plan = full with { Jobs = full.Jobs.Take(r.GetValue(limit) ?? int.MaxValue).ToList(), IsBatch = true };
        if (plan.Jobs.Count == 0) throw new UsageException($"No images to evaluate in {r.GetValue(input)}.");
        var codec = cli.Models.Load(r.GetValue(model));
        var choice = new RateChoice(r.GetValue(rate), r.GetValue(bpp));
        double t = choice.Resolve(codec);
        var options = new CompressOptions { Rate = t, TileSize = r.GetValue(tile), RefineSteps = r.GetValue(refine) };
        try { options.Validate(codec.Preset.RateLevels); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        cli.Logger("hific.eval").LogModel(codec, choice.Describe(codec, t) + (options.RefineSteps > 0 ? $", {options.RefineSteps} refinement steps" : ""));

        var evaluator = new ImageEvaluator(new HificEncoder(codec), new HificDecoder(codec), options);
        var runner = new BatchRunner(cli);
        var report = runner.Run(plan, "Evaluating", (job, token) => evaluator.Evaluate(job.Input, job.Name, token),
            row => $"{Units.F(row.Bpp, 4)} bpp, {Units.F(row.Psnr ?? double.PositiveInfinity, 2)} dB, MS-SSIM {Units.F(row.MsSsim, 4)}", ct);

        var rows = report.Results.ToList();
        var means = EvalMeans.Of(rows);
        var rateLabel = choice.Describe(codec, t);
        WriteTable(cli, rows, means, $"eval: model {codec.Id} ({codec.Preset.Name}), rate {rateLabel}, tile {options.TileSize}");
        runner.ReportFailures(report);
        var mismatched = rows.Where(row => !row.LatentHashMatch).ToList();
        foreach (var row in mismatched)
            cli.Error($"{row.File}: decoded latents differ from the encoder's: the file would not decode as written");

        if (r.GetValue(json) is { } jsonPath)
        {
            var failures = report.Failed.Select(f => new EvalFailure(f.Job.Name, f.Failure!.Message))
                .Concat(mismatched.Select(m => new EvalFailure(m.File, "latent hash mismatch between encoder and decoder"))).ToList();
            JsonReport.Write(jsonPath, new EvalReport(new EvalModel(codec.Id, codec.Preset.Name, codec.Digest), t, rateLabel, options.TileSize,
                torch.get_num_threads(), rows, means, failures, DateTime.UtcNow), CancellationToken.None);
            cli.Info($"Wrote {jsonPath}");
        }
        int code = report.ExitCode;
        return code == ExitCodes.Ok && mismatched.Count > 0 ? ExitCodes.InputsFailed : code;
    }

    private static void WriteTable(CliContext cli, IReadOnlyList<EvalRow> rows, EvalMeans? means, string title)
    {
        var table = new Table().Title(title).Border(TableBorder.Rounded);
        table.AddColumn("Image");
        foreach (var h in new[] { "Size", "Bytes", "bpp", "Est. bpp", "PSNR dB", "MS-SSIM", "Encode s", "Decode s", "Latents" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var row in rows)
            table.AddRow(new[] { row.File, $"{row.Width}x{row.Height}", Units.Count(row.Bytes), Units.F(row.Bpp, 4), Units.F(row.EstimatedBpp, 4),
                Units.F(row.Psnr ?? double.PositiveInfinity, 2), Units.F(row.MsSsim, 4), Units.F(row.EncodeSeconds, 2), Units.F(row.DecodeSeconds, 2),
                row.LatentHashMatch ? "match" : "MISMATCH" }.Select(s => new Text(s)).ToArray<Spectre.Console.Rendering.IRenderable>());
        if (means is not null)
        {
            table.AddEmptyRow();
            table.AddRow(new[] { $"mean of {means.Images}", "", "", Units.F(means.Bpp, 4), Units.F(means.EstimatedBpp, 4),
                Units.F(means.Psnr ?? double.PositiveInfinity, 2), Units.F(means.MsSsim, 4), Units.F(means.EncodeSeconds, 2), Units.F(means.DecodeSeconds, 2), "" }
                .Select(s => new Text(s)).ToArray<Spectre.Console.Rendering.IRenderable>());
        }
        cli.Out.Write(table);
    }
}
