namespace HiFiC.Cluster.Silo.Storage;

/// <summary>
/// Read-only access to a set of blobs. Jobs see their source only through this, so no code path
/// can delete or modify an original.
/// </summary>
public interface IBlobSource
{
    /// <summary>Where this is, as given (for messages).</summary>
    string Location { get; }

    /// <summary>
    /// Up to <paramref name="pageSize"/> blobs in ordinal path order, starting after
    /// <paramref name="cursor"/> (null = from the start). The listing is never held whole in memory.
    /// </summary>
    Task<BlobPage> ListAsync(string? cursor, int pageSize, CancellationToken ct);

    Task<Stream> OpenReadAsync(string path, CancellationToken ct);

    /// <summary>The blob's bytes, or null when it does not exist.</summary>
    Task<byte[]?> TryReadAllAsync(string path, CancellationToken ct);
}
