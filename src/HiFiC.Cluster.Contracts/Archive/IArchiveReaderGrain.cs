namespace HiFiC.Cluster.Contracts.Archive;

/// <summary>
/// Reads an archive's manifests and a job's originals for hosts without storage of their own: the
/// web host depends on the contracts only, so what it shows of storage comes through here (a
/// stateless worker: calls go to the local silo where there is one). Locations are the canonical
/// ones the caller checked against its roots; the silo's storage checks them again against its own.
/// A path leading out of the location throws <see cref="UnauthorizedAccessException"/>.
/// </summary>
[Alias("hific.IArchiveReaderGrain")]
public interface IArchiveReaderGrain : IGrainWithIntegerKey
{
    /// <summary>A page of the archived images (their manifests) in path order, after <paramref name="cursor"/>.</summary>
    [Alias("ListImages")] Task<ArchivedImagePage> ListImagesAsync(string archive, string? cursor, int max, CancellationToken ct = default);

    /// <summary>Whether the archive holds a manifest for <paramref name="imagePath"/>.</summary>
    [Alias("HasManifest")] Task<bool> HasManifestAsync(string archive, string imagePath, CancellationToken ct = default);

    /// <summary>
    /// The original of <paramref name="imagePath"/> from <paramref name="source"/>, only when the job archived
    /// it (an image with a manifest in <paramref name="archive"/> naming that path; hidden files and sidecars never).
    /// </summary>
    [Alias("ReadOriginal")] Task<OriginalRead> ReadOriginalAsync(string archive, string source, string imagePath, CancellationToken ct = default);
}

/// <summary>One archived image as listed: its source path and the size of its manifest.</summary>
[GenerateSerializer, Immutable, Alias("hific.ArchivedImage.v1")]
public sealed record ArchivedImage([property: Id(0)] string Path, [property: Id(1)] long ManifestBytes);

[GenerateSerializer, Immutable, Alias("hific.ArchivedImagePage.v1")]
public sealed record ArchivedImagePage([property: Id(0)] IReadOnlyList<ArchivedImage> Images, [property: Id(1)] string? Cursor);

public enum OriginalReadResult
{
    Found,
    /// <summary>No manifest of the archive names the path (or it is hidden, or not an image).</summary>
    NotArchived,
    /// <summary>Archived, but no longer in the source.</summary>
    NotInSource,
}

/// <summary>An original's bytes (whole: originals are a single message; the silos' restore streams for larger answers).</summary>
[GenerateSerializer, Immutable, Alias("hific.OriginalRead.v1")]
public sealed record OriginalRead([property: Id(0)] OriginalReadResult Result, [property: Id(1)] byte[]? Bytes = null);
