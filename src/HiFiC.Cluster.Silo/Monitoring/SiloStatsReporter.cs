using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using TorchSharp;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>Reports this silo's device, model pool and throughput to <see cref="IClusterStatsGrain"/> every <see cref="Interval"/> while the silo is active.</summary>
public sealed class SiloStatsReporter(
    IGrainFactory grains, ILocalSiloDetails silo, ModelPool pool, IWorkQueue queue, IOptions<ModelPoolOptions> poolOptions,
    ILogger<SiloStatsReporter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStatsReporter), ServiceLifecycleStage.Active,
            _ => { loop = Task.Run(() => RunAsync(stop.Token)); return Task.CompletedTask; },
            async _ => { stop.Cancel(); try { await loop; } catch (OperationCanceledException) { } });

    private async Task RunAsync(CancellationToken ct)
    {
        string device = torch.cuda.is_available() ? "cuda" : "cpu";
        long lastDone = HificMetrics.Done, lastPixels = HificMetrics.Pixels;
        var last = DateTime.UtcNow;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                var now = DateTime.UtcNow;
                double dt = Math.Max(1e-3, (now - last).TotalSeconds);
                long doneNow = HificMetrics.Done, pixelsNow = HificMetrics.Pixels;
                long depth;
                try { depth = await queue.CountAsync(ct); } catch (Exception) when (!ct.IsCancellationRequested) { depth = -1; }
                await grains.GetGrain<IClusterStatsGrain>(0).ReportAsync(new SiloStats
                {
                    Silo = silo.SiloAddress.ToString(),
                    Host = silo.DnsHostName,
                    Device = device,
                    ModelInstances = pool.Size,
                    ThreadsPerInstance = poolOptions.Value.ThreadsPerInstance,
                    ItemsDone = doneNow,
                    ItemsFailed = HificMetrics.Failed,
                    Pixels = pixelsNow,
                    ItemsPerSecond = (doneNow - lastDone) / dt,
                    MegapixelsPerSecond = (pixelsNow - lastPixels) / 1e6 / dt,
                    MeanModelMs = HificMetrics.MeanModelMs,
                    QueueDepth = depth,
                    Busy = HificMetrics.Busy,
                });
                (lastDone, lastPixels, last) = (doneNow, pixelsNow, now);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogDebug("Silo stats report failed: {Error}", e.Message);
            }
        }
    }
}
