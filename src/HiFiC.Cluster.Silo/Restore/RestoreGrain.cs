using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Work;
using Orleans.Concurrency;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Decodes archived images on demand. Stateless: every silo may run several activations, and
/// calls go to the local one, so restores spread over the cluster with no coordination. The
/// decode itself runs in the model pool, never on the grain's scheduler thread.
/// </summary>
[StatelessWorker]
public sealed class RestoreGrain(IImageCodec codec, IBlobStoreFactory blobs) : Grain, IRestoreGrain
{
    public async Task<RestoredImage> RestoreAsync(RestoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var archive = blobs.OpenSource(request.Archive);
        var path = BlobPaths.Normalize(request.SourcePath);
        // Issue 17: an image kept as its original comes back as those bytes (or decoded to PNG when asked).
        if (await OriginalRestore.TryAsync(archive, path, request) is { } original) return original;
        var bitstream = await archive.TryReadAllAsync(ArchiveNaming.Bitstream(path), CancellationToken.None)
            ?? throw new FileNotFoundException($"{path} is not archived in {request.Archive} (no {ArchiveNaming.Bitstream(path)}).");
        using var png = new MemoryStream();
        var outcome = await codec.RestoreAsync(new MemoryStream(bitstream, writable: false), png, request.Region, CancellationToken.None);
        return new RestoredImage(png.ToArray(), outcome.Width, outcome.Height, outcome.LatentHash, outcome.ModelId);
    }
}
