using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// The embedded queue: same semantics as Azure Storage Queue (visibility timeout, dequeue count,
/// pop receipts) so code and tests written against it hold for the remote providers. Entries sit
/// in a priority queue keyed by the time they become visible; stale heap entries (completed or
/// re-leased items) are skipped by comparing a per-entry version.
/// </summary>
public sealed class InProcessWorkQueue(TimeProvider time) : IWorkQueue, IJobCountingQueue
{
    private sealed class Entry
    {
        public required WorkItem Item;
        public required long Id;
        public int Deliveries;
        /// <summary>Receives so far: names the current holder (Deliveries can go down on a pause release).</summary>
        public long Leases;
        public long Version;
    }

    private readonly object gate = new();
    private readonly Dictionary<long, Entry> entries = new();
    private readonly PriorityQueue<(long Id, long Version), (DateTimeOffset VisibleAt, long Id)> heap = new();
    private readonly List<(WorkItem Item, string Reason)> deadLetters = [];
    private long nextId;
    private TaskCompletionSource signal = NewSignal();

    /// <summary>Items refused as unworkable (see <see cref="QueueEnvelope.Problem"/>), with why: this queue's poison list.</summary>
    public IReadOnlyList<(WorkItem Item, string Reason)> DeadLetters { get { lock (gate) return deadLetters.ToList(); } }

    /// <summary>Leases handed back without counting as an attempt (a paused job's items, a draining silo's): what a test waits for to know that workers saw an item and did not process it.</summary>
    public long ReleasesNotCounted => Interlocked.Read(ref releasesNotCounted);
    private long releasesNotCounted;

    public InProcessWorkQueue() : this(TimeProvider.System) { }

    public Task EnqueueAsync(IReadOnlyList<WorkItem> items, CancellationToken ct)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var item in items)
            {
                var e = new Entry { Item = item, Id = ++nextId };
                entries[e.Id] = e;
                heap.Enqueue((e.Id, e.Version), (now, e.Id));
            }
            Wake();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct)
    {
        var result = new List<WorkLease>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            while (result.Count < max && heap.TryPeek(out var top, out var key) && key.VisibleAt <= now)
            {
                heap.Dequeue();
                if (!entries.TryGetValue(top.Id, out var e) || e.Version != top.Version) continue; // stale
                if (QueueEnvelope.Problem(e.Item) is { } problem)
                {
                    // Would come back forever: out of the queue, into the poison list.
                    entries.Remove(e.Id);
                    deadLetters.Add((e.Item, problem));
                    continue;
                }
                e.Deliveries++;
                e.Leases++;
                e.Version++;
                heap.Enqueue((e.Id, e.Version), (now + visibility, e.Id));
                result.Add(new WorkLease(e.Item, e.Deliveries, e.Id.ToString(), Receipt(e)));
            }
        }
        return Task.FromResult<IReadOnlyList<WorkLease>>(result);
    }

    public Task<bool> CompleteAsync(WorkLease lease, CancellationToken ct)
    {
        lock (gate)
        {
            if (!TryFind(lease, out var e)) return Task.FromResult(false);
            entries.Remove(e.Id);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(WorkLease lease, TimeSpan delay, bool countsAsAttempt, CancellationToken ct)
    {
        lock (gate)
        {
            if (!TryFind(lease, out var e)) return Task.CompletedTask;
            if (!countsAsAttempt) { e.Deliveries--; Interlocked.Increment(ref releasesNotCounted); }
            e.Version++;
            heap.Enqueue((e.Id, e.Version), (time.GetUtcNow() + delay, e.Id));
            if (delay <= TimeSpan.Zero) Wake();
        }
        return Task.CompletedTask;
    }

    public Task<WorkLease?> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken ct)
    {
        lock (gate)
        {
            if (!TryFind(lease, out var e)) return Task.FromResult<WorkLease?>(null);
            // The receipt stays valid: only this holder may renew, and a renewal is not a redelivery.
            heap.Enqueue((e.Id, ++e.Version), (time.GetUtcNow() + visibility, e.Id));
            return Task.FromResult<WorkLease?>(lease);
        }
    }

    public async Task WaitForItemsAsync(TimeSpan maxWait, CancellationToken ct)
    {
        Task wake;
        TimeSpan wait = maxWait;
        lock (gate)
        {
            if (heap.TryPeek(out _, out var key))
            {
                var until = key.VisibleAt - time.GetUtcNow();
                if (until <= TimeSpan.Zero) return;
                if (until < wait) wait = until;
            }
            wake = signal.Task;
        }
        await Task.WhenAny(wake, Task.Delay(wait, time, ct)).WaitAsync(ct);
    }

    public Task<long> CountAsync(CancellationToken ct)
    {
        lock (gate) return Task.FromResult((long)entries.Count);
    }

    public Task<long> CountAsync(string jobId, CancellationToken ct)
    {
        lock (gate) return Task.FromResult((long)entries.Values.Count(e => e.Item.JobId == jobId));
    }

    private static string Receipt(Entry e) => $"{e.Id}:{e.Leases}";

    // Valid while no one else has received the item since. An expired lease whose item was not
    // received again still completes it, as an Azure pop receipt does until the next dequeue.
    private bool TryFind(WorkLease lease, out Entry e)
    {
        if (!long.TryParse(lease.MessageId, out var id) || !entries.TryGetValue(id, out e!)) { e = null!; return false; }
        return lease.Receipt == Receipt(e);
    }

    private void Wake()
    {
        var old = signal;
        signal = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
