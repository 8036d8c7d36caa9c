using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Work;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// Restore of an entry whose manifest says storedAs "original": the stored bytes as they were
/// (checked against the manifest's hash), or, for a region or when a PNG is asked for, decoded
/// (first frame), upright, cropped and written as PNG with the original's metadata.
/// </summary>
internal static class OriginalRestore
{
    /// <summary>The restored image, or null when the entry is not an original (or has no manifest: archives before issue 17).</summary>
    public static async Task<RestoredImage?> TryAsync(IBlobSource archive, string path, RestoreRequest request)
    {
        var json = await archive.TryReadAllAsync(ArchiveNaming.Manifest(path), CancellationToken.None);
        if (json is null) return null;
        ArchiveManifest manifest;
        try { manifest = ArchiveManifest.FromJson(json); }
        catch (System.Text.Json.JsonException) { return null; }
        if (!manifest.IsOriginal) return null;

        // The name is derived, not taken from the manifest: a manifest must not point a restore elsewhere.
        var stored = ArchiveNaming.Original(path);
        var bytes = await archive.TryReadAllAsync(stored, CancellationToken.None)
            ?? throw new FileNotFoundException($"{path} is archived as its original, but {stored} is missing from {request.Archive}.");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        if (sha != manifest.OutputSha256)
            throw new InvalidDataException($"{stored} does not match its manifest (SHA-256 {sha[..16]}…, manifest {manifest.OutputSha256[..Math.Min(16, manifest.OutputSha256.Length)]}…): the archive entry is damaged.");
        if (request.Region is null && !request.AsPng)
            return new RestoredImage(bytes, manifest.Width, manifest.Height, null, manifest.ModelId, Original: true, OriginalImage.ContentType(path));
        // Decoding is CPU work: off the grain's scheduler thread.
        var (png, width, height) = await Task.Run(() => OriginalImage.ToPng(bytes, request.Region));
        return new RestoredImage(png, width, height, null, manifest.ModelId, Original: true);
    }
}
