namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>
/// One small blob with compare-and-swap writes: the primitive a destination lock needs. An ETag
/// names one version of the content; a write conditioned on it fails when anyone wrote in between.
/// </summary>
public interface ILockFile
{
    /// <summary>The content and its ETag, or (null, null) when the blob does not exist.</summary>
    Task<(byte[]? Content, string? ETag)> ReadAsync(CancellationToken ct);

    /// <summary>Creates the blob; false when it already exists.</summary>
    Task<bool> TryCreateAsync(byte[] content, CancellationToken ct);

    /// <summary>Replaces the blob if it is still at <paramref name="etag"/>; false otherwise.</summary>
    Task<bool> TryReplaceAsync(byte[] content, string etag, CancellationToken ct);

    /// <summary>Deletes the blob if it is still at <paramref name="etag"/>; false otherwise.</summary>
    Task<bool> TryDeleteAsync(string etag, CancellationToken ct);
}
