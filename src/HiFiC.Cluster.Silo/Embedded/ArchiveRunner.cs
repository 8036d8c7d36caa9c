using HiFiC.Codec.Imaging.Output;
using System.Diagnostics;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Silo.Embedded;

/// <summary>
/// The embedded-mode commands as library calls, so the CLI only parses arguments and draws:
/// compress a folder into an archive, restore an archive into a folder.
/// </summary>
public static class ArchiveRunner
{
    /// <summary>
    /// Runs one archive job on an in-process silo until it is done. Cancelling <paramref name="ct"/>
    /// cancels the job (queued items are dropped, finished ones stay) and returns its final status.
    /// </summary>
    public static async Task<ArchiveSummary> CompressAsync(ArchiveRunOptions options, IProgress<JobStatus>? progress = null,
        Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var spec = options.ToSpec();
        // Refused before a silo starts: the coordinator's rules, run here first.
        JobSpecValidator.ThrowIfInvalid(spec);
        await using var cluster = await EmbeddedCluster.StartAsync(options.Models, options.ModelInstances, options.ThreadsPerInstance, logging, ct);
        var job = cluster.Grains.GetGrain<IArchiveJobGrain>($"archive-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        var status = await job.StartAsync(spec);
        bool cancelled = false;
        while (!status.Phase.IsTerminal())
        {
            progress?.Report(status);
            try { await Task.Delay(options.StatusInterval, cancelled ? CancellationToken.None : ct); }
            catch (OperationCanceledException) when (!cancelled)
            {
                cancelled = true;
                await job.CancelAsync();
            }
            status = await job.GetStatusAsync();
        }
        progress?.Report(status);
        return new ArchiveSummary(status, clock.Elapsed);
    }

    /// <summary>
    /// Restores every image of an archive folder (every *.hific.json manifest) as PNG (or <paramref name="format"/>:
    /// jpeg, webp, at <paramref name="quality"/>) under <paramref name="outputFolder"/>, keeping relative paths, through the restore grain.
    /// </summary>
    public static async Task<RestoreSummary> RestoreAsync(string archive, string outputFolder, ICodecModelSource? models = null,
        int modelInstances = 0, IProgress<RestoreProgress>? progress = null, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default,
        string? format = null, int? quality = null)
    {
        var clock = Stopwatch.StartNew();
        archive = Path.GetFullPath(archive);
        await using var cluster = await EmbeddedCluster.StartAsync(models, modelInstances, 2, logging, ct);
        var source = cluster.Services.GetRequiredService<IBlobStoreFactory>().OpenSource(archive);
        var output = new LocalFolderBlobStore(outputFolder, writable: true);
        int parallel = cluster.Services.GetRequiredService<ModelPool>().Size + 1;
        long restored = 0, bytes = 0;
        var failures = new List<JobFailure>();
        string? cursor = null;
        do
        {
            // Paged like a job: an archive of millions of images is never listed whole.
            var page = await source.ListAsync(cursor, 256, ct);
            cursor = page.Cursor;
            var manifests = page.Items.Where(b => ArchiveNaming.IsManifest(b.Path)).Select(b => ArchiveNaming.SourceOfManifest(b.Path));
            await Parallel.ForEachAsync(manifests, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (path, token) =>
            {
                try
                {
                    // Streamed: a large image on a CPU decodes for longer than the 30 s response timeout.
                    var image = await RestoreStreams.ReadAllAsync(cluster.Grains.GetGrain<IRestoreStreamGrain>(Guid.NewGuid())
                        .RestoreAsync(new RestoreRequest(archive, path, Format: format, Quality: quality), token), token);
                    // An image kept as its original comes back under its own name, bytes as they were (unless a format is asked for).
                    var name = image.Original && format is null ? path
                        : format is null ? ArchiveNaming.RestoredName(path) : Path.ChangeExtension(ArchiveNaming.RestoredName(path), OutputFormats.Extension(
                            OutputFormats.TryParse(format, out var f) ? f : OutputFormat.Png));
                    await output.WriteAsync(name, image.Png, token);
                    Interlocked.Add(ref bytes, image.Png.Length);
                    Interlocked.Increment(ref restored);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (failures) failures.Add(new JobFailure(path, e.Message, 1));
                }
                progress?.Report(new RestoreProgress(Interlocked.Read(ref restored), failures.Count, path));
            });
        } while (cursor is not null);
        return new RestoreSummary(restored, bytes, failures, clock.Elapsed);
    }
}
