using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage;

namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>
/// A coordinator's guard against items that are in flight but no longer in the queue, or held by
/// a worker that will never report. Two checks, on the coordinator's tick:
/// <list type="bullet">
/// <item><b>Lost:</b> every item in flight has at least one message in the queue (items are enqueued
/// before the state that expects them is saved, and completed only after their outcome is saved).
/// A queue holding fewer messages than the job has in flight has lost some: an in-process queue
/// after its process restarted, messages that outlived their time-to-live during a long pause,
/// messages deleted by hand. Then every item in flight is enqueued again (which ones are missing
/// cannot be known; a duplicate is counted once). Checked on activation, on resume, and every
/// <see cref="JobOptions.LossCheckInterval"/>.</item>
/// <item><b>Stuck:</b> an item started longer than <see cref="JobOptions.StuckAfter"/> ago with no
/// outcome (a worker hung while still renewing its lease) is enqueued again for another silo.</item>
/// </list>
/// Times are kept in memory only: after a reactivation every item's clock starts again, which at
/// worst delays the stuck check by one bound.
/// </summary>
public sealed class InFlightRecovery
{
    private readonly Dictionary<string, DateTime> since = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkItem> sent = new(StringComparer.Ordinal);
    private DateTime nextLossCheck = DateTime.MinValue;

    /// <summary>Items re-enqueued by this activation (for logs and tests).</summary>
    public long Requeued { get; private set; }

    /// <summary>Items just enqueued: their clocks start now.</summary>
    public void Sent(IEnumerable<WorkItem> items, DateTime now)
    {
        foreach (var i in items) { sent[i.Key] = i; since[i.Key] = now; }
    }

    /// <summary>A worker started the item: its stuck clock starts now.</summary>
    public void Started(string key, DateTime now) => since[key] = now;

    /// <summary>Run the loss check on the next tick (activation, resume).</summary>
    public void CheckSoon() => nextLossCheck = DateTime.MinValue;

    /// <summary>The items to enqueue again now, with why (null when none).</summary>
    public async Task<(IReadOnlyList<WorkItem> Items, string? Why)> DueAsync(
        string jobId, IReadOnlyDictionary<string, bool> inFlight, IWorkQueue queue, JobOptions options, DateTime now,
        Func<string, Task<WorkItem>> rebuild, CancellationToken ct)
    {
        if (since.Count > inFlight.Count)
            foreach (var k in since.Keys.Where(k => !inFlight.ContainsKey(k)).ToList()) { since.Remove(k); sent.Remove(k); }
        foreach (var k in inFlight.Keys)
            since.TryAdd(k, now);
        if (inFlight.Count == 0) return ([], null);

        string? why = null;
        List<string> due;
        if (now >= nextLossCheck)
        {
            nextLossCheck = now + options.LossCheckInterval;
            long count = queue is IJobCountingQueue own ? await own.CountAsync(jobId, ct) : await queue.CountAsync(ct);
            if (count >= 0 && count < inFlight.Count)
                why = $"the queue holds {count} message(s) but {inFlight.Count} item(s) are in flight";
        }
        if (why is not null) due = inFlight.Keys.ToList();
        else
        {
            due = inFlight.Where(kv => kv.Value && now - since[kv.Key] > options.StuckAfter).Select(kv => kv.Key).ToList();
            if (due.Count > 0) why = $"{due.Count} item(s) started more than {options.StuckAfter} ago without an outcome";
        }
        if (due.Count == 0) return ([], null);

        var items = new List<WorkItem>(due.Count);
        foreach (var key in due)
        {
            if (!sent.TryGetValue(key, out var item)) sent[key] = item = await rebuild(key);
            items.Add(item);
            since[key] = now;
        }
        Requeued += items.Count;
        return (items, why);
    }

    /// <summary>The part and tile a key names (see <see cref="WorkKeys"/>).</summary>
    public static (string Path, WorkPart Part, int Tile) Parse(string key)
    {
        var path = WorkKeys.PathOf(key);
        if (path.Length == key.Length) return (path, WorkPart.Whole, 0);
        var suffix = key[(path.Length + 1)..];
        if (suffix == "#assemble") return (path, WorkPart.Assemble, 0);
        if (suffix.StartsWith("#tile", StringComparison.Ordinal) && int.TryParse(suffix.AsSpan(5), out var tile)) return (path, WorkPart.Tile, tile);
        throw new FormatException($"not a work item key: {key}");
    }

    /// <summary>
    /// The tile count of a split image, for a tile or assembly item sent by an earlier activation:
    /// the source is identified again (rare: only when items were lost). A vanished or unreadable
    /// source gives the smallest count the key allows; the worker then fails the item with its reason.
    /// </summary>
    public static async Task<int> TileCountAsync(IBlobStoreFactory blobs, IImageCodec codec, string source, string path, int tileSize, int tile, CancellationToken ct)
    {
        try
        {
            var bytes = await blobs.OpenSource(source).TryReadAllAsync(path, ct);
            if (bytes is not null)
                return (await codec.IdentifyAsync(new MemoryStream(bytes, writable: false), tileSize, ct)).Tiles;
        }
        catch (Exception e) when (e is not OperationCanceledException) { }
        return tile + 1;
    }
}
