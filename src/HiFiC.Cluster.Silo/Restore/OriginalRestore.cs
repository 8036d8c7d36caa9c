using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Work;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Restore of an entry whose manifest says storedAs "original": the stored bytes as they were
/// (already checked against the manifest's hash by <see cref="ArchiveEntries.ReadAsync"/>), or, for
/// a region or when a PNG is asked for, decoded (first frame), upright, cropped and written as PNG
/// with the original's metadata.
/// </summary>
internal static class OriginalRestore
{
    public static async Task<RestoredImage> RestoreAsync(ArchiveEntry entry, string path, RestoreRequest request, CancellationToken ct)
    {
        var manifest = entry.Manifest;
        if (request.Region is null && !request.AsPng)
            return new RestoredImage(entry.Bitstream, manifest.Width, manifest.Height, null, manifest.ModelId, Original: true, OriginalImage.ContentType(path));
        // Decoding is CPU work: off the grain's scheduler thread.
        var (png, width, height) = await Task.Run(() => OriginalImage.ToPng(entry.Bitstream, request.Region), ct);
        return new RestoredImage(png, width, height, null, manifest.ModelId, Original: true);
    }
}
