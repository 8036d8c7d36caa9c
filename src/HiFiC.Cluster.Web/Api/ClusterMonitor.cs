using System.Diagnostics.Metrics;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Web.Hosting;
using HiFiC.Cluster.Web.Scaling;
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
    /// <summary>The silos' own meter (the silo's HificMetrics.MeterName): in embedded mode its instruments live in this process.</summary>
    public const string SiloMeterName = "HiFiC.Cluster";
    private const int HistoryLength = 600;
    private static readonly Meter Meter = new(MeterName, "1.0");

    private readonly IGrainFactory grains;
    private readonly WebOptions options;
    private readonly ScalingOptions scaling;
    private readonly ILogger<ClusterMonitor> logger;
    private readonly LinkedList<ThroughputPoint> history = new();
    private volatile Snapshot latest = new([], [], 0, 0, -1, 0, 0, 0);

    /// <param name="RecentItemsPerSecond">Mean cluster rate over the scaling window, counting only samples with work (the per-silo throughput behind the scaling advice).</param>
    public sealed record Snapshot(IReadOnlyList<SiloStats> Silos, IReadOnlyList<JobStatus> Jobs, double ItemsPerSecond,
        double MegapixelsPerSecond, long QueueDepth, long FailedItems, int ActiveJobs, double RecentItemsPerSecond);

    public ClusterMonitor(IGrainFactory grains, IOptions<WebOptions> options, IOptions<ScalingOptions> scaling, ILogger<ClusterMonitor> logger)
    {
        this.grains = grains; this.options = options.Value; this.scaling = scaling.Value; this.logger = logger;
        Meter.CreateObservableGauge("hific.queue.depth", () => latest.QueueDepth, "{item}", "Items waiting in the work queue (as the silos see it)");
        Meter.CreateObservableGauge("hific.cluster.images_per_second", () => latest.ItemsPerSecond, "{item}/s", "Items finished per second over all silos");
        Meter.CreateObservableGauge("hific.cluster.megapixels_per_second", () => latest.MegapixelsPerSecond, "{megapixel}/s", "Megapixels archived per second over all silos");
        Meter.CreateObservableGauge("hific.cluster.silos", () => latest.Silos.Count, "{silo}", "Silos reporting");
        Meter.CreateObservableGauge("hific.jobs.active", () => latest.ActiveJobs, "{job}", "Jobs enumerating or running");
        Meter.CreateObservableGauge("hific.jobs.failed_items", () => latest.FailedItems, "{item}", "Failed items over the listed jobs");
        Meter.CreateObservableGauge("hific.silo.model_latency_mean", () => latest.Silos.Select(s =>
            new Measurement<double>(s.MeanModelMs / 1000, new KeyValuePair<string, object?>("silo", s.Silo))), "s", "Mean codec time per item, by silo");
        Meter.CreateObservableGauge("hific.silo.network_busy_share", () => latest.Silos.Select(s =>
            new Measurement<double>(s.NetworkBusyShare, new KeyValuePair<string, object?>("silo", s.Silo))), null, "Share of wall time a silo's model instances ran the networks (0..1), by silo");
        Meter.CreateObservableGauge("hific.cluster.recommended_silos", () => Advice().RecommendedSilos is { } n ? [new Measurement<int>(n)] : Array.Empty<Measurement<int>>(),
            "{silo}", "Silos that empty the queue within HiFiC:Web:Scaling:TargetCompletion at the measured per-silo rate");
    }

    /// <summary>The scaling recommendation for the latest sample (<paramref name="target"/> overrides the configured target completion time).</summary>
    public ScalingAdvice Advice(TimeSpan? target = null)
    {
        var s = latest;
        return ScalingAdvisor.Advise(s.Silos, s.QueueDepth, s.RecentItemsPerSecond, target ?? scaling.TargetCompletion, scaling);
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
        // Each silo reports its own counters (not its process's), so the cluster's rate is their sum.
        double items = silos.Sum(s => s.ItemsPerSecond);
        double mp = silos.Sum(s => s.MegapixelsPerSecond);
        long depth = silos.Count == 0 ? -1 : silos.Max(s => s.QueueDepth);
        var now = DateTime.UtcNow;
        double recent;
        lock (history)
        {
            history.AddLast(new ThroughputPoint(now, items, mp, depth, active.Count));
            while (history.Count > HistoryLength) history.RemoveFirst();
            // Samples of an idle cluster (nothing queued, nothing finishing) say nothing about what a
            // silo can do; samples with work count even at rate 0 (an item slower than a report interval).
            var working = history.Where(p => p.Utc >= now - scaling.Window && (p.ItemsPerSecond > 0 || p.QueueDepth > 0)).ToList();
            recent = working.Count > 0 ? working.Average(p => p.ItemsPerSecond) : 0;
        }
        var snapshot = new Snapshot(silos, jobs, items, mp, depth, jobs.Sum(j => j.FailuresTotal), jobs.Count(j => j.Phase.IsActive()), recent);
        latest = snapshot;
        return snapshot;
    }
}
