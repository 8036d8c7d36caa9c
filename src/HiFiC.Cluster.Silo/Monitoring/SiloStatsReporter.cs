using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Work;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using TorchSharp;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>
/// Reports this silo's device, model pool, controls (accepting, concurrency) and throughput to
/// <see cref="IClusterStatsGrain"/> every <see cref="Interval"/> while the silo is active. The
/// numbers are this silo's own (<see cref="SiloCounters"/>), never its process's.
/// </summary>
public sealed class SiloStatsReporter(
    IGrainFactory grains, ILocalSiloDetails silo, ModelPool pool, IWorkQueue queue, IOptions<ModelPoolOptions> poolOptions,
    SiloCounters counters, WorkIntake intake, ArchiveWorker worker, ILogger<SiloStatsReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private volatile SiloStats? last;
    private IDisposable? gauges;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStatsReporter), ServiceLifecycleStage.Active,
            _ =>
            {
                gauges = HificMetrics.RegisterPool(silo.SiloAddress.ToString(), () => (last?.NetworkBusyShare ?? 0, pool.Size));
                loop = Task.Run(() => RunAsync(stop.Token));
                return Task.CompletedTask;
            },
            async _ =>
            {
                stop.Cancel();
                try { await loop; } catch (OperationCanceledException) { }
                gauges?.Dispose();
            });

    /// <summary>
    /// Sends the current controls (accepting, concurrency, consumers, busy) with the last measured
    /// rates now, so the cluster view shows a control change at once rather than at the next tick.
    /// </summary>
    public async Task ReportControlsAsync()
    {
        if (last is { } s) await grains.GetGrain<IClusterStatsGrain>(0).ReportAsync(last = WithControls(s));
    }

    private SiloStats WithControls(SiloStats s) => s with
    {
        Accepting = intake.Accepting,
        ModelInstances = pool.Size,
        Consumers = worker.Consumers,
        Busy = counters.Busy,
    };

    private async Task RunAsync(CancellationToken ct)
    {
        string device = HiFiC.Codec.Networks.TorchRuntime.OnGpu ? "cuda" : "cpu";
        long lastDone = counters.Done, lastPixels = counters.Pixels, lastJobs = pool.Jobs;
        TimeSpan lastBusy = pool.Busy, lastWait = pool.QueueWait;
        var lastTime = DateTime.UtcNow;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                var now = DateTime.UtcNow;
                double dt = Math.Max(1e-3, (now - lastTime).TotalSeconds);
                long doneNow = counters.Done, pixelsNow = counters.Pixels, jobsNow = pool.Jobs;
                TimeSpan busyNow = pool.Busy, waitNow = pool.QueueWait;
                long depth;
                try { depth = await queue.CountAsync(ct); } catch (Exception) when (!ct.IsCancellationRequested) { depth = -1; }
                var stats = WithControls(new SiloStats
                {
                    Silo = silo.SiloAddress.ToString(),
                    Host = silo.DnsHostName,
                    Device = device,
                    ThreadsPerInstance = poolOptions.Value.ThreadsPerInstance,
                    ItemsDone = doneNow,
                    ItemsFailed = counters.Failed,
                    Pixels = pixelsNow,
                    ItemsPerSecond = (doneNow - lastDone) / dt,
                    MegapixelsPerSecond = (pixelsNow - lastPixels) / 1e6 / dt,
                    MeanModelMs = counters.MeanModelMs,
                    QueueDepth = depth,
                    // A job's busy time is counted when it ends, so a long one lands in one interval: clamp.
                    NetworkBusyShare = Math.Clamp((busyNow - lastBusy).TotalSeconds / (dt * Math.Max(1, pool.Size)), 0, 1),
                    MeanQueueWaitMs = jobsNow > lastJobs ? (waitNow - lastWait).TotalMilliseconds / (jobsNow - lastJobs) : 0,
                });
                last = stats;
                await grains.GetGrain<IClusterStatsGrain>(0).ReportAsync(stats);
                (lastDone, lastPixels, lastTime, lastJobs, lastBusy, lastWait) = (doneNow, pixelsNow, now, jobsNow, busyNow, waitNow);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug("Silo stats report failed: {Error}", e.Message);
            }
        }
    }
}
