using System.CommandLine;
using Spectre.Console;
using HiFiC.Cli.Settings;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// `hific job restore ARCHIVE --out DEST [--folder SUB] [--format png|jpeg|webp] [--quality Q] [--overwrite]`:
/// starts a restore job (a job of kind restore: the silos decode every entry of the archive, or of
/// one folder of it, into DEST) and prints its id; then `hific job watch|pause|resume|cancel` as for any job.
/// </summary>
public sealed class JobRestoreCommand : JobClientCommand
{
    private readonly Argument<string> archive = new("archive") { Description = "The archive: a folder (as the silos see it) or azblob://container/prefix." };
    private readonly Option<string> output = new("--out", "-o", "--output") { Description = "Where restored images go: a folder or azblob://container/prefix (not inside the archive).", Required = true };
    private readonly Option<string?> folder = new("--folder") { Description = "Only this folder of the archive (a relative path inside it); default: the whole archive." };
    private readonly Option<string?> format = new("--format", "-f") { Description = "png (default), jpeg or webp. Without it, images kept as their originals come back as their own bytes." };
    private readonly Option<int?> quality = new("--quality", "-q") { Description = "1-100 for jpeg and webp (defaults 85 and 80)." };
    private readonly Option<bool> overwrite = CommonOptions.Overwrite();
    private readonly Option<string?> id = new("--id") { Description = "Job id (default: restore-<UTC time>-<random>). Submitting the same spec under an id again is a no-op." };
    private readonly Option<int> maxAttempts = new("--max-attempts") { Description = "Deliveries of an item before it is listed as failed.", DefaultValueFactory = _ => JobSpec.DefaultMaxAttempts };
    private readonly Option<bool> watch = new("--watch") { Description = "Then watch it like `hific job watch`." };

    public JobRestoreCommand(CliContext cli) : base(cli, "restore", "Restore a whole archive (or one folder of it) through the cluster; prints the job id.")
    {
        Add(archive); Add(output); Add(folder); Add(format); Add(quality); Add(overwrite); Add(id); Add(maxAttempts); Add(watch);
        overwrite.Description = "Replace images already in the destination (without it they are left alone and counted as skipped).";
    }

    private JobSpec Spec(ParseResult r) => new()
    {
        Kind = JobKind.Restore,
        Source = Location(r.GetValue(archive)!),
        Destination = Location(r.GetValue(output)!),
        Folder = r.GetValue(folder)?.TrimEnd('/'),
        // One spelling per format, so the same restore submitted twice is the same spec.
        Format = r.GetValue(format) is { } f ? (OutputFormats.TryParse(f, out var parsed) ? OutputFormats.Name(parsed) : f) : null,
        Quality = r.GetValue(quality),
        Overwrite = r.GetValue(overwrite),
        MaxAttempts = r.GetValue(maxAttempts),
        SkipExisting = false,
    };

    protected override void Validate(ParseResult r) => JobSpecCheck.ThrowIfInvalid(Spec(r));

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var spec = Spec(r);
        var jobId = r.GetValue(id) ?? $"restore-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        JobStatus status;
        try { status = await client.GetGrain<IArchiveJobGrain>(jobId).StartAsync(spec); }
        catch (ArgumentException e) when (e.Data[JobSpecValidator.FieldKey] is string field)
        {
            throw new UsageException($"{JobSpecCheck.OptionOf(field)}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // The storage's checks: the archive (or its folder) missing, the destination inside it, outside the silos' roots.
            throw new UsageException(e.Message);
        }
        catch (InvalidOperationException e) when (e.Data[JobSpecValidator.FieldKey] is "destination")
        {
            throw new CliException(ExitCodes.InputsFailed, e.Message);
        }
        cli.Out.WriteLine(jobId);
        cli.Info($"restore job {jobId}: {status.Phase.ToString().ToLowerInvariant()}, {spec.Source}{(spec.Folder is null ? "" : $" (folder {spec.Folder})")} -> {spec.Destination} as {spec.Format ?? "png"}");
        return r.GetValue(watch) ? await JobWatchCommand.WatchAsync(cli, client, jobId, ct) : ExitCodes.Ok;
    }

    private static string Location(string value) => value.Contains("://", StringComparison.Ordinal) ? value : Path.GetFullPath(value);
}
