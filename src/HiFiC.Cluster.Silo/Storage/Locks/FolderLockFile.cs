using System.Security.Cryptography;

namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>
/// A lock file in a folder. Compare-and-swap is made atomic by an exclusive OS lock on a guard
/// file beside it (FileShare.None: flock on Linux, a share lock on Windows), held only for the
/// read-compare-write; the ETag is the content's SHA-256. Processes on one machine (or a share
/// whose file locks are honoured) exclude each other; the lock file itself is replaced by rename.
/// </summary>
public sealed class FolderLockFile(string path) : ILockFile
{
    private readonly string guard = path + ".guard";

    public Task<(byte[]? Content, string? ETag)> ReadAsync(CancellationToken ct) =>
        GuardedAsync(() => Read(), ct);

    public Task<bool> TryCreateAsync(byte[] content, CancellationToken ct) =>
        GuardedAsync(() =>
        {
            if (File.Exists(path)) return false;
            Write(content);
            return true;
        }, ct);

    public Task<bool> TryReplaceAsync(byte[] content, string etag, CancellationToken ct) =>
        GuardedAsync(() =>
        {
            if (Read().ETag != etag) return false;
            Write(content);
            return true;
        }, ct);

    public Task<bool> TryDeleteAsync(string etag, CancellationToken ct) =>
        GuardedAsync(() =>
        {
            if (Read().ETag != etag) return false;
            File.Delete(path);
            return true;
        }, ct);

    private (byte[]? Content, string? ETag) Read()
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return (null, null); }
    }

    private void Write(byte[] content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    // File calls block: run them off the caller's thread (an Orleans scheduler thread).
    private Task<T> GuardedAsync<T>(Func<T> action, CancellationToken ct) => Task.Run(() => UnderGuardAsync(action, ct), ct);

    private async Task<T> UnderGuardAsync<T>(Func<T> action, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // The guard is held for microseconds; contention only delays, it never fails a healthy caller.
        for (int i = 0; ; i++)
        {
            FileStream? held = null;
            try
            {
                held = new FileStream(guard, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (i < 200)
            {
                await Task.Delay(25, ct);
                continue;
            }
            using (held) return action();
        }
    }
}
