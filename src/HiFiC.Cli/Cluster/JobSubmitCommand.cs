using System.CommandLine;
using Spectre.Console;
using HiFiC.Cli.Settings;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// `hific job submit SOURCE --out DEST`: starts an archive job and prints its id on stdout.
/// SOURCE and DEST are folders as the silos see them, or azblob://container/prefix locations.
/// </summary>
public sealed class JobSubmitCommand : JobClientCommand
{
    private readonly Argument<string> source = new("source") { Description = "Originals: a folder (as the silos see it) or azblob://container/prefix." };
    private readonly Option<string> output = new("--out", "-o", "--output") { Description = "Archive location: a folder or azblob://container/prefix.", Required = true };
    private readonly Option<string?> id = new("--id") { Description = "Job id (default: job-<UTC time>-<random>). Submitting the same spec under an id again is a no-op." };
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
    private readonly Option<int> maxAttempts = new("--max-attempts") { Description = "Deliveries of an item before it is listed as failed.", DefaultValueFactory = _ => JobSpec.DefaultMaxAttempts };
    private readonly Option<int> coordinators = new("--coordinators") { Description = "Coordinator grains the job is spread over (1-64): each lists the source and counts the images whose path hashes to it. Raise it for jobs of tens of millions of images a week.", DefaultValueFactory = _ => 1 };
    private readonly Archive.QualityFloorOptions quality = new();
    private readonly Option<bool> watch = new("--watch") { Description = "Then watch it like `hific job watch`." };

    public JobSubmitCommand(CliContext cli) : base(cli, "submit", "Start an archive job on the cluster; prints the job id.")
    {
        Add(source); Add(output); Add(id); Add(model); Add(rate); Add(bpp); Add(tile); Add(verify); Add(redo); Add(splitAbove); Add(refine); Add(effort); Add(targetMsSsim); Add(maxAttempts); Add(coordinators); Add(watch);
        quality.AddTo(this);
        CommonOptions.RateOrBpp(this, rate, bpp);
        CommonOptions.TargetExcludesRate(this, targetMsSsim, rate, bpp);
        CommonOptions.Positive(maxAttempts);
        CommonOptions.Positive(coordinators);
    }

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (modelRef, t, rateName) = ResolveModel(cli, r);
        // A quality target chooses the rate per image: the job carries the default rate, unused.
        if (r.GetValue(targetMsSsim) is not null) (t, rateName) = (JobSpec.DefaultRate, null);
        var jobId = r.GetValue(id) ?? $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var spec = new JobSpec
        {
            Source = Location(r.GetValue(source)!),
            Destination = Location(r.GetValue(output)!),
            Model = modelRef,
            Rate = t,
            RateName = rateName,
            TileSize = r.GetValue(tile),
            Verify = r.GetValue(verify),
            SkipExisting = !r.GetValue(redo),
            SplitAbovePixels = (long)(r.GetValue(splitAbove) * 1e6),
            MaxAttempts = r.GetValue(maxAttempts),
            // No --effort and no --refine: null, so the silo that starts the job picks its default (fast on CPU, balanced on GPU).
            RefineSteps = r.GetValue(refine),
            Effort = r.GetValue(effort)?.Trim().ToLowerInvariant(),
            TargetMsSsim = r.GetValue(targetMsSsim),
            MinMsSsim = r.GetValue(quality.MinMsSsim),
            MinPsnr = r.GetValue(quality.MinPsnr),
            KeepOriginalWhen = quality.When(r),
            Coordinators = r.GetValue(coordinators),
        };
        JobSpecCheck.ThrowIfInvalid(spec);
        JobStatus status;
        try { status = await client.GetGrain<IArchiveJobGrain>(jobId).StartAsync(spec); }
        catch (ArgumentException e) when (e.Data[JobSpecValidator.FieldKey] is string field)
        {
            // The coordinator's checks that need the model or the storage (rate range, source folder).
            throw new UsageException($"{JobSpecCheck.OptionOf(field)}: {e.Message}");
        }
        catch (InvalidOperationException e) when (e.Data[JobSpecValidator.FieldKey] is "destination")
        {
            throw new CliException(ExitCodes.InputsFailed, e.Message);
        }
        cli.Out.WriteLine(jobId);
        cli.Info($"job {jobId}: {status.Phase.ToString().ToLowerInvariant()}, {status.Spec?.Source} -> {status.Spec?.Destination}");
        return r.GetValue(watch) ? await JobWatchCommand.WatchAsync(cli, client, jobId, ct) : ExitCodes.Ok;
    }

    /// <summary>
    /// Pins the model's digest and turns --rate names or --bpp into t when the model is installed
    /// here too (as `hific archive compress` does); otherwise the silos resolve --model and --rate
    /// (a number, or a name from the card: default mi). Only --bpp needs the model here.
    /// </summary>
    private (string? Model, double Rate, string? RateName) ResolveModel(CliContext cli, ParseResult r)
    {
        var choice = new RateChoice(r.GetValue(rate), r.GetValue(bpp));
        try
        {
            var codec = cli.Models.Load(r.GetValue(model));
            double t = choice.Resolve(codec);
            cli.Info($"model {codec.Id}, rate {choice.Describe(codec, t)}");
            return (codec.Digest, t, null);
        }
        catch (ModelNotFoundException) when (choice.Bpp is null)
        {
            if (choice.Rate is { } given && double.TryParse(given, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var t))
            {
                cli.Info($"model {r.GetValue(model) ?? "(default)"} is not installed here; the silos resolve it (rate t={t})");
                return (r.GetValue(model), t, null);
            }
            var name = choice.Rate ?? CodecModel.DefaultRateName;
            cli.Info($"model {r.GetValue(model) ?? "(default)"} is not installed here; the silos resolve it and its rate {name}");
            return (r.GetValue(model), 1.0, name);
        }
    }

    /// <summary>URIs pass through; folders become absolute (silos on this machine resolve them the same).</summary>
    private static string Location(string value) => value.Contains("://", StringComparison.Ordinal) ? value : Path.GetFullPath(value);
}
