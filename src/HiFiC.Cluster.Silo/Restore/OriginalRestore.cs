using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Restore of an entry whose manifest says storedAs "original": the stored bytes as they were
/// (already checked against the manifest's hash by <see cref="ArchiveEntries.ReadAsync"/>), or, for
/// a region, a size or when a format is asked for, decoded (first frame), upright, cropped, resized and
/// written in that format (PNG by default) with the original's metadata.
/// </summary>
internal static class OriginalRestore
{
    public static async Task<RestoredImage> RestoreAsync(ArchiveEntry entry, string path, RestoreRequest request, string etag, CancellationToken ct)
    {
        var manifest = entry.Manifest;
        var output = RestoreOutput.Of(request, original: true);
        if (output is null)
            return new RestoredImage(entry.Bitstream, manifest.Width, manifest.Height, null, manifest.ModelId, Original: true, OriginalImage.ContentType(path), etag);
        // Decoding is CPU work: off the grain's scheduler thread.
        var (bytes, width, height) = await Task.Run(() => OriginalImage.Encode(entry.Bitstream, request.Region, output), ct);
        return new RestoredImage(bytes, width, height, null, manifest.ModelId, Original: true, OutputFormats.ContentType(output.Format), etag);
    }
}
