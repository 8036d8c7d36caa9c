using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Queue;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// A real queue whose lease renewals fail (throw, as a storage blip does) while
/// <see cref="RenewFailuresLeft"/> is above zero; everything else goes straight through.
/// </summary>
public sealed class FlakyRenewQueue(IWorkQueue inner) : IWorkQueue
{
    public int RenewFailuresLeft;
    public int RenewFailures;

    public Task EnqueueAsync(IReadOnlyList<WorkItem> items, CancellationToken ct) => inner.EnqueueAsync(items, ct);
    public Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct) => inner.ReceiveAsync(max, visibility, ct);
    public Task<bool> CompleteAsync(WorkLease lease, CancellationToken ct) => inner.CompleteAsync(lease, ct);
    public Task ReleaseAsync(WorkLease lease, TimeSpan delay, bool countsAsAttempt, CancellationToken ct) => inner.ReleaseAsync(lease, delay, countsAsAttempt, ct);
    public Task WaitForItemsAsync(TimeSpan maxWait, CancellationToken ct) => inner.WaitForItemsAsync(maxWait, ct);
    public Task<long> CountAsync(CancellationToken ct) => inner.CountAsync(ct);

    public Task<WorkLease?> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken ct)
    {
        if (Interlocked.Decrement(ref RenewFailuresLeft) >= 0)
        {
            Interlocked.Increment(ref RenewFailures);
            throw new IOException("injected: the queue service did not answer");
        }
        return inner.RenewAsync(lease, visibility, ct);
    }
}
