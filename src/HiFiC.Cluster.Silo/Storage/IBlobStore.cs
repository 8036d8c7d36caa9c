namespace HiFiC.Cluster.Silo.Storage;

/// <summary>A writable blob container (the archive). Writes are atomic: a reader sees the old blob or the new one, never half of one.</summary>
public interface IBlobStore : IBlobSource
{
    Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>Deletes a blob if it exists. Only ever used on the archive's own scratch blobs (tile parts).</summary>
    Task DeleteAsync(string path, CancellationToken ct);
}
