namespace HiFiC.Cluster.Silo.Storage;

/// <summary>A blob's path (relative, '/'-separated) and size.</summary>
public sealed record BlobInfo(string Path, long Size);

/// <summary>One page of a listing. <see cref="Cursor"/> resumes after the page; null when the listing is complete.</summary>
public sealed record BlobPage(IReadOnlyList<BlobInfo> Items, string? Cursor);
