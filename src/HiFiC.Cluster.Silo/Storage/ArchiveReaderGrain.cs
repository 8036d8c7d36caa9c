using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Codec.Imaging;
using Orleans.Concurrency;

namespace HiFiC.Cluster.Silo.Storage;

/// <summary>The storage reads of the web host (it has no storage of its own): see <see cref="IArchiveReaderGrain"/>.</summary>
[StatelessWorker]
public sealed class ArchiveReaderGrain(IBlobStoreFactory blobs) : Grain, IArchiveReaderGrain
{
    public async Task<ArchivedImagePage> ListImagesAsync(string archive, string? cursor, int max, CancellationToken ct)
    {
        var page = await blobs.OpenSource(archive).ListAsync(cursor, Math.Clamp(max, 1, 1000), ct);
        var images = page.Items.Where(b => ArchiveNaming.IsManifest(b.Path))
            .Select(b => new ArchivedImage(ArchiveNaming.SourceOfManifest(b.Path), b.Size)).ToList();
        return new ArchivedImagePage(images, page.Cursor);
    }

    public async Task<bool> HasManifestAsync(string archive, string imagePath, CancellationToken ct) =>
        await blobs.OpenSource(archive).TryReadAllAsync(ArchiveNaming.Manifest(imagePath), ct) is not null;

    public async Task<OriginalRead> ReadOriginalAsync(string archive, string source, string imagePath, CancellationToken ct)
    {
        // Only what the job archived: a manifest in its destination names the path. Hidden files,
        // sidecars and anything else under the source are not the job's to serve.
        var notArchived = new OriginalRead(OriginalReadResult.NotArchived);
        if (imagePath.Split('/').Any(s => s.StartsWith('.')) || !ImageIO.HasImageExtension(imagePath)) return notArchived;
        var manifestBytes = await blobs.OpenSource(archive).TryReadAllAsync(ArchiveNaming.Manifest(imagePath), ct);
        if (manifestBytes is null) return notArchived;
        try
        {
            if (ArchiveManifest.FromJson(manifestBytes).SourcePath != imagePath) return notArchived;
        }
        catch (System.Text.Json.JsonException) { return notArchived; }
        var bytes = await blobs.OpenSource(source).TryReadAllAsync(imagePath, ct);
        return bytes is null ? new OriginalRead(OriginalReadResult.NotInSource) : new OriginalRead(OriginalReadResult.Found, bytes);
    }
}
