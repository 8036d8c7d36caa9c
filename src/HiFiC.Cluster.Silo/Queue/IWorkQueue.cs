using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// A competing-consumer, at-least-once queue of work items. A received item is hidden for the
/// visibility timeout; unless completed by then it comes back (a dead worker's items return by
/// themselves). Implementations: in-process (embedded default); Azure Storage Queue and Service
/// Bus adapters plug in behind the same interface.
/// </summary>
public interface IWorkQueue
{
    Task EnqueueAsync(IReadOnlyList<WorkItem> items, CancellationToken ct);

    /// <summary>Up to <paramref name="max"/> items, each hidden for <paramref name="visibility"/>. Empty when nothing is visible.</summary>
    Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct);

    /// <summary>Deletes the item. A lease that expired and was handed to someone else no longer completes it (returns false).</summary>
    Task<bool> CompleteAsync(WorkLease lease, CancellationToken ct);

    /// <summary>Makes the item visible again after <paramref name="delay"/>. When <paramref name="countsAsAttempt"/> is false (pause), the delivery does not count toward poison.</summary>
    Task ReleaseAsync(WorkLease lease, TimeSpan delay, bool countsAsAttempt, CancellationToken ct);

    /// <summary>
    /// Extends the lease of an item still being worked on, so long images are not redelivered
    /// mid-way. Returns the lease to use from now on (providers such as Azure Queue issue a new
    /// receipt on every update), or null when the lease was lost.
    /// </summary>
    Task<WorkLease?> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken ct);

    /// <summary>Completes when items may be visible (or after <paramref name="maxWait"/>): saves consumers from busy polling.</summary>
    Task WaitForItemsAsync(TimeSpan maxWait, CancellationToken ct);

    /// <summary>Items in the queue, visible or not (approximate for remote providers; the autoscaler's signal).</summary>
    Task<long> CountAsync(CancellationToken ct);
}
