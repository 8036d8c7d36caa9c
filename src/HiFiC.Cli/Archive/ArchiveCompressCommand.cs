using System.CommandLine;
using HiFiC.Cli.Cluster;
using HiFiC.Cli.Output;
using HiFiC.Cli.Settings;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Embedded;

namespace HiFiC.Cli.Archive;

/// <summary>
/// `hific archive compress SRC_DIR --out DST_DIR`: every file under SRC_DIR becomes
/// DST_DIR/&lt;path&gt;.hific plus a .hific.json manifest; originals are only read. Files that are
/// not images are reported as failed with the reason. Re-running skips what is already archived
/// with the same model and rate, so an interrupted run resumes.
/// </summary>
public sealed class ArchiveCompressCommand : Command
{
    private readonly Argument<string> source = new("source") { Description = "Folder of originals (searched recursively; names starting with '.' are skipped)." };
    private readonly Option<string> output = ArchiveCommand.Out("Archive folder (created; must not lie inside the source).");
    private readonly Option<string?> model = CommonOptions.Model();
    private readonly Option<string?> rate = CommonOptions.Rate();
    private readonly Option<double?> bpp = CommonOptions.Bpp();
    private readonly Option<int> tile = CommonOptions.Tile();
    private readonly Option<bool> verify = CommonOptions.Verify();
    private readonly Option<bool> redo = CommonOptions.Redo();
    private readonly Option<double> splitAbove = CommonOptions.SplitAbove();
    private readonly Option<int> refine = CommonOptions.Refine();
    private readonly Option<string?> effort = CommonOptions.Effort();
    private readonly Option<double?> targetMsSsim = CommonOptions.TargetMsSsim();
    private readonly QualityFloorOptions quality = new();
    private readonly Option<int> instances = new("--instances") { Description = "Model instances in the silo (default: cores / --threads)." };

    public ArchiveCompressCommand(CliContext cli) : base("compress", "Recompress every image under a folder into an archive folder, with live progress and a summary.")
    {
        Add(source); Add(output); Add(model); Add(rate); Add(bpp); Add(tile); Add(verify); Add(redo); Add(splitAbove); Add(refine); Add(effort); Add(targetMsSsim); Add(instances);
        quality.AddTo(this);
        CommonOptions.RateOrBpp(this, rate, bpp);
        CommonOptions.TargetExcludesRate(this, targetMsSsim, rate, bpp);
        SetAction((r, ct) => ExecuteAsync(cli, r, ct));
    }

    private async Task<int> ExecuteAsync(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var src = r.GetValue(source)!;
        var dst = r.GetValue(output)!;
        if (!Directory.Exists(src)) throw new UsageException($"source folder not found: {src}");
        // Resolve model and rate here, so errors read like every other command's and the job pins a digest.
        var codec = cli.Models.Load(r.GetValue(model));
        var choice = new RateChoice(r.GetValue(rate), r.GetValue(bpp));
        // A quality target chooses the rate per image: the job then carries the default rate, unused.
        double t = r.GetValue(targetMsSsim) is null ? choice.Resolve(codec) : JobSpec.DefaultRate;
        cli.Info($"archive: {src} -> {dst}, model {codec.Id}, " + (r.GetValue(targetMsSsim) is { } q
            ? $"rate per image: the lowest reaching MS-SSIM {Units.F(q, 4)}" : $"rate {choice.Describe(codec, t)}"));

        var run = new ArchiveRunOptions
        {
            Source = src,
            Destination = dst,
            Model = codec.Digest,
            Rate = t,
            TileSize = r.GetValue(tile),
            Verify = r.GetValue(verify),
            SkipExisting = !r.GetValue(redo),
            SplitAbovePixels = (long)(r.GetValue(splitAbove) * 1e6),
            // No --effort and no --refine: null, so the silo that starts the job picks its default (fast on CPU, balanced on GPU).
            RefineSteps = r.GetValue(refine),
            Effort = r.GetValue(effort)?.Trim().ToLowerInvariant(),
            TargetMsSsim = r.GetValue(targetMsSsim),
            MinMsSsim = r.GetValue(quality.MinMsSsim),
            MinPsnr = r.GetValue(quality.MinPsnr),
            KeepOriginalWhen = quality.When(r),
            ModelInstances = r.GetValue(instances),
            ThreadsPerInstance = Math.Max(1, TorchSharp.torch.get_num_threads()),
            Models = new RegistryModelSource(cli.Models),
        };
        // The job's rules, checked before the silo starts: `--tile 100` is refused here, not by every image.
        JobSpecCheck.ThrowIfInvalid(run.ToSpec());
        var view = new ArchiveProgressView(cli);
        ArchiveSummary summary;
        try { summary = await view.RunAsync(progress => ArchiveRunner.CompressAsync(run, progress, ct: ct)); }
        catch (InvalidOperationException e) when (e.Data[JobSpecValidator.FieldKey] is "destination")
        {
            // Another run (another process) is writing this archive.
            throw new CliException(ExitCodes.InputsFailed, e.Message);
        }
        catch (ArgumentException e) when (e.Data[JobStartErrors.ModelMissingKey] is true)
        {
            // The coordinator's refusal of a model the registry lacks: the same exit code as the single-file commands give.
            throw new CliException(ExitCodes.Model, e.Message);
        }

        var s = summary.Status;
        SummaryTable.Write(cli.Out, "archive compress",
        [
            ("Images", Units.Count(s.Done)),
            ("Kept as original", Units.Count(s.KeptOriginal)),
            ("Skipped", Units.Count(s.Skipped)),
            ("Failed", Units.Count(s.Failed)),
            ("Bytes before", Units.Bytes(s.BytesIn)),
            ("Bytes after", Units.Bytes(s.BytesOut)),
            ("Ratio", s.BytesOut > 0 ? Units.F(summary.Ratio, 2) + "x" : "-"),
            ("Mean bpp", Units.F(s.MeanBpp, 4)),
            .. JobStatusText.RateRows(s),
            ("Images/s", Units.F(summary.ImagesPerSecond, 2)),
            ("MP/s", Units.F(summary.MegapixelsPerSecond, 3)),
            ("Time", Units.Seconds(summary.Elapsed)),
        ]);
        foreach (var f in s.Failures) cli.Error($"{f.SourcePath}: {f.Reason}");
        if (s.FailuresTotal > s.Failures.Count) cli.Warn($"{s.FailuresTotal - s.Failures.Count} more failures not listed");
        if (s.Phase == JobPhase.Cancelled)
        {
            cli.Warn($"cancelled: {s.Done} archived, {s.Cancelled} dropped; run again to resume (archived images are skipped)");
            return ExitCodes.Cancelled;
        }
        if (s.Phase == JobPhase.Failed) throw new CliException(ExitCodes.InputsFailed, s.Error ?? "the job failed");
        return s.Failed > 0 ? ExitCodes.InputsFailed : ExitCodes.Ok;
    }
}
