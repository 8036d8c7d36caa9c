using HiFiC.Cluster.Silo.Storage;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// A real store that "crashes" (throws, doing nothing more) instead of its N-th write or delete:
/// what a worker killed at that point leaves behind. Single writes are atomic in both stores, so
/// a crash during one is the same as a crash just before it.
/// </summary>
public sealed class CrashingBlobStore(IBlobStore inner, int crashAtMutation) : IBlobStore
{
    private int mutations;

    public string Location => inner.Location;
    public int Mutations => mutations;

    public Task<BlobPage> ListAsync(string? cursor, int pageSize, CancellationToken ct) => inner.ListAsync(cursor, pageSize, ct);
    public Task<Stream> OpenReadAsync(string path, CancellationToken ct) => inner.OpenReadAsync(path, ct);
    public Task<byte[]?> TryReadAllAsync(string path, CancellationToken ct) => inner.TryReadAllAsync(path, ct);

    public Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        Step(path);
        return inner.WriteAsync(path, data, ct);
    }

    public Task DeleteAsync(string path, CancellationToken ct)
    {
        Step(path);
        return inner.DeleteAsync(path, ct);
    }

    private void Step(string path)
    {
        if (++mutations == crashAtMutation) throw new SimulatedCrashException($"simulated crash before mutation {mutations} ({path})");
    }
}

public sealed class SimulatedCrashException(string message) : Exception(message);
