using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HiFiC.Cluster.Silo.Work;
using Orleans.Concurrency;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Decodes archived images on demand. Stateless: every silo may run several activations, and
/// calls go to the local one, so restores spread over the cluster with no coordination. The
/// decode itself runs in the model pool, never on the grain's scheduler thread. Sizes are checked
/// on the file's header before decoding, and the decode stops when the caller cancels or the
/// restore's time limit passes.
/// </summary>
[StatelessWorker]
public sealed class RestoreGrain(IImageCodec codec, IBlobStoreFactory blobs, IOptions<RestoreOptions> options, ILogger<RestoreGrain> logger)
    : Grain, IRestoreGrain
{
    public async Task<RestoredImage> RestoreAsync(RestoreRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(o.Timeout);
        try
        {
            var archive = blobs.OpenSource(request.Archive);
            var path = BlobPaths.Normalize(request.SourcePath);
            // Through the manifest, with the stored bytes checked against its SHA-256: a damaged or mixed
            // entry is refused with the reason (InvalidDataException), never decoded into a wrong image.
            var entry = await ArchiveEntries.ReadAsync(archive, path, deadline.Token);
            // An image kept as its original comes back as those bytes (or decoded to PNG when asked).
            if (entry.Manifest.IsOriginal) return await OriginalRestore.RestoreAsync(entry, path, request, deadline.Token);
            RestoreLimits.Check(entry.Bitstream, request, o.MaxPixels);
            using var png = new MemoryStream();
            var outcome = await codec.RestoreAsync(new MemoryStream(entry.Bitstream, writable: false), png, request.Region, deadline.Token);
            return new RestoredImage(png.ToArray(), outcome.Width, outcome.Height, outcome.LatentHash, outcome.ModelId);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Restore of {Path} stopped after its time limit of {Timeout}", request.SourcePath, o.Timeout);
            throw new RestoreLimitException($"the restore took longer than its time limit ({o.Timeout}) and was stopped", timedOut: true);
        }
    }
}
