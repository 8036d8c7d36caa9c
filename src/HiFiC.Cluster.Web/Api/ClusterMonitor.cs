using System.Diagnostics.Metrics;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Web.Hosting;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Api;

/// <summary>One sample of the cluster's throughput (the dashboard's chart).</summary>
public sealed record ThroughputPoint(DateTime Utc, double ItemsPerSecond, double MegapixelsPerSecond, long QueueDepth, int ActiveJobs);

/// <summary>
/// Samples the cluster (silo reports and the jobs of the index) every HiFiC:Web:SampleInterval:
/// keeps the throughput history the dashboard draws, and feeds the gauges of /metrics (meter
/// "HiFiC.Cluster.Web"), so a scrape never waits on the grains.
/// </summary>
public sealed class ClusterMonitor : BackgroundService
{
    public const string MeterName = "HiFiC.Cluster.Web";
    private const int HistoryLength = 600;
    private static readonly Meter Meter = new(MeterName, "1.0");

    private readonly IGrainFactory grains;
    private readonly WebOptions options;
    private readonly ILogger<ClusterMonitor> logger;
    private readonly LinkedList<ThroughputPoint> history = new();
    private volatile Snapshot latest = new([], [], 0, 0, -1, 0, 0);

    public sealed record Snapshot(IReadOnlyList<SiloStats> Silos, IReadOnlyList<JobStatus> Jobs, double ItemsPerSecond,
        double MegapixelsPerSecond, long QueueDepth, long FailedItems, int ActiveJobs);

    public ClusterMonitor(IGrainFactory grains, IOptions<WebOptions> options, ILogger<ClusterMonitor> logger)
    {
        this.grains = grains; this.options = options.Value; this.logger = logger;
        Meter.CreateObservableGauge("hific.queue.depth", () => latest.QueueDepth, "{item}", "Items waiting in the work queue (as the silos see it)");
        Meter.CreateObservableGauge("hific.cluster.images_per_second", () => latest.ItemsPerSecond, "{item}/s", "Items finished per second over all silos");
        Meter.CreateObservableGauge("hific.cluster.megapixels_per_second", () => latest.MegapixelsPerSecond, "{megapixel}/s", "Megapixels archived per second over all silos");
        Meter.CreateObservableGauge("hific.cluster.silos", () => latest.Silos.Count, "{silo}", "Silos reporting");
        Meter.CreateObservableGauge("hific.jobs.active", () => latest.ActiveJobs, "{job}", "Jobs enumerating or running");
        Meter.CreateObservableGauge("hific.jobs.failed_items", () => latest.FailedItems, "{item}", "Failed items over the listed jobs");
        Meter.CreateObservableGauge("hific.silo.model_latency_mean", () => latest.Silos.Select(s =>
            new Measurement<double>(s.MeanModelMs / 1000, new KeyValuePair<string, object?>("silo", s.Silo))), "s", "Mean codec time per item, by silo");
    }

    public Snapshot Latest => latest;

    public IReadOnlyList<ThroughputPoint> History
    {
        get { lock (history) return history.ToList(); }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.SampleInterval);
        do
        {
            try { await SampleAsync(ct); }
            catch (Exception e) when (!ct.IsCancellationRequested) { logger.LogDebug("Cluster sample failed: {Error}", e.Message); }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    public async Task<Snapshot> SampleAsync(CancellationToken ct)
    {
        var silos = await grains.GetGrain<IClusterStatsGrain>(0).GetSilosAsync();
        var ids = await grains.GetGrain<IJobIndexGrain>(0).ListAsync(50);
        var jobs = await Task.WhenAll(ids.Select(id => grains.GetGrain<IArchiveJobGrain>(id).GetStatusAsync()));
        var active = jobs.Where(j => j.Phase.IsActive() || j.Phase is JobPhase.Paused or JobPhase.Cancelling).ToList();
        // Silo rates are measured where the work happens; in one process several silos share the
        // process-wide totals, so take the largest rather than the sum when they report the same host.
        double items = silos.GroupBy(s => s.Host).Sum(g => g.Max(s => s.ItemsPerSecond));
        double mp = silos.GroupBy(s => s.Host).Sum(g => g.Max(s => s.MegapixelsPerSecond));
        long depth = silos.Count == 0 ? -1 : silos.Max(s => s.QueueDepth);
        var snapshot = new Snapshot(silos, jobs, items, mp, depth, jobs.Sum(j => j.FailuresTotal), jobs.Count(j => j.Phase.IsActive()));
        latest = snapshot;
        lock (history)
        {
            history.AddLast(new ThroughputPoint(DateTime.UtcNow, items, mp, depth, active.Count));
            while (history.Count > HistoryLength) history.RemoveFirst();
        }
        return snapshot;
    }
}
