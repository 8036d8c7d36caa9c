using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using HiFiC.Evaluation;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench rd DIR --out REPORT_DIR`: our model(s) against JPEG, WebP, AVIF and HEVC intra
/// (Debian's cjpeg, cwebp, avifenc, heif-enc), each swept over its quality; writes the CSV,
/// BD-rate tables, RD plots and a crop sheet (see <see cref="RdBenchmark"/>).
/// </summary>
public sealed class BenchRdCommand : Command, IForwardOnlyCommand
{
    /// <summary>Without refinement the networks only run forward.</summary>
    public bool ForwardOnly(ParseResult parse) =>
        (parse.GetValue(refine) ?? "0").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(s => s == "0");

    private readonly Argument<string> dir = new("dir") { Description = "Folder of images to benchmark (e.g. ../shared/datasets/eval)." };
    private readonly Option<string> outDir = new("--out") { Description = "Report folder: rd-report.md, rd-points.csv, rd-curves.csv, rd-bd-rate.csv, rd-psnr.png, rd-msssim.png, rd-crops.png.", Required = true };
    private readonly Option<string[]> models = new("--model", "-m") { Description = "Model id, digest prefix or folder; repeat for several. None: classic codecs only." };
    private readonly Option<string> rates = new("--rates") { Description = "Rates t each model is swept over, comma-separated; rates outside a model's range are skipped. Default: every half level of a 3-level model's range, trained levels and extrapolated ends.", DefaultValueFactory = _ => "-0.5,0,0.5,1,1.5,2,2.5" };
    private readonly Option<string> codecs = new("--codecs")
    {
        Description = $"Classic codecs, comma-separated, from: {string.Join(", ", ClassicCodecs.All.Select(c => c.Name))} (heic = HEVC intra, as in BPG).",
        DefaultValueFactory = _ => string.Join(',', ClassicCodecs.Default.Select(c => c.Name)),
    };
    private readonly Option<int?> limit = CommonOptions.Limit("images");
    private readonly Option<string?> cropImage = new("--crop-image") { Description = "Image (file name) for the side-by-side crop sheet. Default: the first." };
    private readonly Option<double?> cropBpp = new("--crop-bpp") { Description = "Bpp the crop sheet matches each codec to. Default: the first model at t=1, else 0.25." };
    private readonly Option<string> cache = new("--cache") { Description = "Folder of the point cache (points reused when the pixels and everything that determines the codec's output match: command lines and tool versions, or model digest, refinement, tiles and codec build).", DefaultValueFactory = _ => RdPointCache.DefaultDirectory() };
    private readonly Option<bool> noCache = new("--no-cache") { Description = "Measure every point afresh (the cache is neither read nor written)." };
    private readonly Option<string> refine = new("--refine") { Description = "Also sweep every model with this many steps of encoder-side latent refinement (a curve of its own; tiles of 1024 px). Several, comma-separated (e.g. 5,10,20,40,60), give a curve each and the gain per second of encode time.", DefaultValueFactory = _ => "0" };
    private readonly Option<string?> refineRates = new("--refine-rates") { Description = "Rates t of the refined sweep, comma-separated (default: --rates). Refinement is slow on CPUs." };
    private readonly Option<int> workers = new("--workers") { Description = "Images coded in parallel (1 or 2).", DefaultValueFactory = _ => RdBenchmarkOptions.MaxWorkers };

    public BenchRdCommand(CliContext cli) : base("rd", "Rate–distortion benchmark against JPEG, WebP, AVIF and HEVC intra: CSV, BD-rates, RD plots, crop sheet.")
    {
        Add(dir); Add(outDir); Add(models); Add(rates); Add(codecs); Add(limit); Add(cropImage); Add(cropBpp); Add(workers); Add(cache); Add(noCache); Add(refine); Add(refineRates);
        CommonOptions.Positive(limit);
        refine.Validators.Add(r =>
        {
            try { ParseSteps(r.GetValueOrDefault<string>()!); }
            catch (FormatException) { r.AddError($"--refine must be step counts, comma-separated (got '{r.GetValueOrDefault<string>()}')."); }
        });
        workers.Validators.Add(r =>
        {
            int w = r.GetValueOrDefault<int>();
            if (w < 1 || w > RdBenchmarkOptions.MaxWorkers) r.AddError($"--workers must be 1..{RdBenchmarkOptions.MaxWorkers}.");
        });
        SetAction((r, ct) => ExecuteAsync(cli, r, ct));
    }

    private async Task<int> ExecuteAsync(CliContext cli, ParseResult r, CancellationToken ct)
    {
        RdBenchmarkOptions options;
        try
        {
            options = new RdBenchmarkOptions
            {
                ImageDir = r.GetValue(dir)!, OutDir = r.GetValue(outDir)!,
                Models = r.GetValue(models) ?? [], Registry = cli.Models,
                ModelRates = ParseRates(r.GetValue(rates)!),
                RefineSteps = ParseSteps(r.GetValue(refine)!),
                RefineRates = r.GetValue(refineRates) is { } rr ? ParseRates(rr) : null,
                Codecs = r.GetValue(codecs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxImages = r.GetValue(limit), CropSheetImage = r.GetValue(cropImage), CropTargetBpp = r.GetValue(cropBpp),
                Threads = r.GetValue(workers),
                CacheDir = r.GetValue(noCache) ? null : r.GetValue(cache),
            };
        }
        catch (FormatException) { throw new UsageException($"--rates and --refine-rates must be comma-separated numbers (got '{r.GetValue(rates)}', '{r.GetValue(refineRates)}')."); }

        RdReportSummary summary;
        try
        {
            summary = await RdBenchmark.RunAsync(options, cli.Logger("HiFiC.Evaluation.RdBenchmark"), ct);
        }
        // Wrong names, folders or missing tools are the user's to fix: exit 2 with the message (it says what to install).
        catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or FileNotFoundException or CodecToolsMissingException)
        {
            throw new UsageException(e.Message);
        }

        foreach (var c in summary.Curves)
            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Label}: {c.Points.Count} settings, mean bpp {c.Points.Min(p => p.Bpp):0.000}-{c.Points.Max(p => p.Bpp):0.000}, PSNR {c.Points.Min(p => p.Psnr):0.00}-{c.Points.Max(p => p.Psnr):0.00} dB, MS-SSIM {c.Points.Min(p => p.MsSsim):0.0000}-{c.Points.Max(p => p.MsSsim):0.0000}"));
        cli.Out.WriteLine($"{summary.Images} images, {summary.Points.Count} points, {summary.Failures.Count} failures, {summary.Elapsed:h\\:mm\\:ss}; report: {Path.Combine(summary.OutDir, RdReport.MarkdownFile)}");
        foreach (var f in summary.Failures) cli.Warn(f);
        return summary.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.InputsFailed;
    }

    private static List<int> ParseSteps(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToList();

    private static List<double> ParseRates(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
}
