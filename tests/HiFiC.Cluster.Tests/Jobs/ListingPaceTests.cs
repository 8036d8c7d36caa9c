using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// A coordinator lists its source a page at a time, not an item at a time: while the workers finish
/// items one by one, it waits until a page's worth of in-flight places is free (half of MaxInFlight
/// when that is less than a page), or until its window has not moved for ListingPause. Before, every
/// tick with one place free made a LIST call, and the 100,000-image scale run spent its storage's time
/// on them. Workers are off; the test plays them.
/// </summary>
public sealed class ListingPaceTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Items_finishing_one_by_one_are_refilled_a_page_at_a_time()
    {
        const int items = 200, maxInFlight = 40; // so a refill waits for 20 free places
        var lists = new ListCounter();
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"), WorkersEnabled = false, MaxInFlight = maxInFlight,
            Configure = s =>
            {
                s.AddSingleton<IBlobStoreFactory>(sp => new CountingStores(ActivatorUtilities.CreateInstance<BlobStoreFactory>(sp), lists));
                // No small top-up listings within the test: every LIST it counts waited for free places.
                s.Configure<JobOptions>(o => o.ListingPause = TimeSpan.FromHours(1));
            },
        };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var paths = Enumerable.Range(0, items).Select(i => $"f{i:D4}.png").ToList();
        foreach (var p in paths) File.WriteAllBytes(Path.Combine(src, p), [1]);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("pace");
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst") });

        for (int i = 0; i < items; i++)
        {
            // Listing is in path order: item i is handed out once i + 1 items were queued.
            int queuedAtLeast = i + 1;
            await job.WaitAsync(s => s.Queued >= queuedAtLeast, TimeSpan.FromSeconds(30));
            await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(paths[i], OutcomeKind.Done, BytesIn: 1, BytesOut: 1)]));
            // Let the coordinator tick (50 ms) between items, as slow workers would.
            if (i % 4 == 0) await Task.Delay(60);
        }

        var end = await job.WaitAsync(s => s.Phase.IsTerminal(), TimeSpan.FromSeconds(30));
        Assert.Equal((JobPhase.Done, (long)items), (end.Phase, end.Done));
        // The first page takes 40; every later one at least 20: at most 1 + 160 / 20 pages with entries, and one that finds the end.
        Assert.InRange(lists.Count, 1, 1 + (items - maxInFlight) / (maxInFlight / 2) + 1);
    }

    private sealed class ListCounter
    {
        private int count;
        public int Count => Volatile.Read(ref count);
        public void Add() => Interlocked.Increment(ref count);
    }

    private sealed class CountingStores(IBlobStoreFactory inner, ListCounter lists) : IBlobStoreFactory
    {
        public IBlobSource OpenSource(string location) => new CountingSource(inner.OpenSource(location), lists);
        public IBlobStore OpenStore(string location) => inner.OpenStore(location);
        public void CheckJobLocations(string source, string destination) => inner.CheckJobLocations(source, destination);
    }

    private sealed class CountingSource(IBlobSource inner, ListCounter lists) : IBlobSource
    {
        public string Location => inner.Location;

        public Task<BlobPage> ListAsync(string? cursor, int pageSize, CancellationToken ct)
        {
            lists.Add();
            return inner.ListAsync(cursor, pageSize, ct);
        }

        public Task<Stream> OpenReadAsync(string path, CancellationToken ct) => inner.OpenReadAsync(path, ct);
        public Task<byte[]?> TryReadAllAsync(string path, CancellationToken ct) => inner.TryReadAllAsync(path, ct);
    }
}
