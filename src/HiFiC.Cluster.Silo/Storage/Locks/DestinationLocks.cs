using HiFiC.Cluster.Contracts.Archive;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>
/// One writer per archive destination. A job's coordinator holds a lock blob at the destination's
/// root (<see cref="ArchiveNaming.LockFile"/>: job id and expiry) and renews it while the job is
/// not finished; another job finds it held and is refused. A lock whose holder stopped renewing
/// (its coordinator died and did not come back within the time to live) may be taken over. Every
/// change is a compare-and-swap on the blob, so two jobs racing for a free or expired lock
/// cannot both win, on folders and on Azure Blob alike.
/// </summary>
public sealed class DestinationLocks(IBlobStoreFactory blobs, ILogger<DestinationLocks> logger)
{
    /// <summary>
    /// Takes or renews the lock of <paramref name="destination"/> for <paramref name="jobId"/> until now + <paramref name="ttl"/>.
    /// <paramref name="holderEnded"/>, when given, may declare another holder's job ended: its lock is then taken over before it expires.
    /// </summary>
    public async Task<DestinationLockResult> TryAcquireAsync(string destination, string jobId, TimeSpan ttl, CancellationToken ct,
        Func<string, Task<bool>>? holderEnded = null)
    {
        var file = Open(destination);
        // A lost compare-and-swap means someone else changed the lock: look again, a few times.
        for (int round = 0; round < 5; round++)
        {
            var now = DateTime.UtcNow;
            var mine = new DestinationLockRecord(jobId, now + ttl).ToJsonBytes();
            var (content, etag) = await file.ReadAsync(ct);
            if (content is null)
            {
                if (await file.TryCreateAsync(mine, ct)) return new DestinationLockResult(true);
                continue;
            }
            var current = DestinationLockRecord.TryParse(content);
            if (current is not null && current.JobId != jobId && current.ExpiresUtc > now && !(holderEnded is not null && await holderEnded(current.JobId)))
                return new DestinationLockResult(false, current.JobId, current.ExpiresUtc);
            if (current is not null && current.JobId != jobId)
                logger.LogWarning("Destination {Destination}: job {Old}'s lock (until {Expiry:o}) is stale; job {Job} takes it over", destination, current.JobId, current.ExpiresUtc, jobId);
            if (await file.TryReplaceAsync(mine, etag!, ct)) return new DestinationLockResult(true);
        }
        throw new IOException($"the lock of {destination} keeps changing under this job; try again");
    }

    /// <summary>Releases the lock if <paramref name="jobId"/> holds it (a lock taken over by another job is left alone).</summary>
    public async Task ReleaseAsync(string destination, string jobId, CancellationToken ct)
    {
        var file = Open(destination);
        for (int round = 0; round < 5; round++)
        {
            var (content, etag) = await file.ReadAsync(ct);
            if (content is null || DestinationLockRecord.TryParse(content)?.JobId != jobId) return;
            if (await file.TryDeleteAsync(etag!, ct)) return;
        }
    }

    /// <summary>Who holds the destination now (null when no one, or the lock expired).</summary>
    public async Task<DestinationLockRecord?> HolderAsync(string destination, CancellationToken ct)
    {
        var (content, _) = await Open(destination).ReadAsync(ct);
        var r = content is null ? null : DestinationLockRecord.TryParse(content);
        return r is not null && r.ExpiresUtc > DateTime.UtcNow ? r : null;
    }

    private ILockFile Open(string destination) =>
        blobs.OpenStore(destination) is ILockableStore lockable
            ? lockable.OpenLockFile(ArchiveNaming.LockFile)
            : throw new NotSupportedException($"{destination}: this storage cannot hold a destination lock");
}
