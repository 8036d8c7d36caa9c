using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Storage;
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
        // Through the manifest, with the bitstream checked against its SHA-256: a damaged or mixed
        // entry is refused with the reason (InvalidDataException), never decoded into a wrong image.
        var entry = await ArchiveEntries.ReadAsync(archive, path, CancellationToken.None);
        using var png = new MemoryStream();
        var outcome = await codec.RestoreAsync(new MemoryStream(entry.Bitstream, writable: false), png, request.Region, CancellationToken.None);
        return new RestoredImage(png.ToArray(), outcome.Width, outcome.Height, outcome.LatentHash, outcome.ModelId);
    }
}
