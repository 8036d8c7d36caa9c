using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>
/// The silo's OpenTelemetry-compatible instruments (meter "HiFiC.Cluster"). A silo exports them on
/// its own Prometheus endpoint when HiFiC:Metrics:Port is set (<see cref="SiloMetricsOptions"/>);
/// the web host exports them at /metrics too. They are per process; the per-silo totals behind the
/// cluster view are <see cref="SiloCounters"/>. Prometheus names: hific_items_total{outcome},
/// hific_pixels_total, hific_megapixels_total, hific_model_busy_seconds_total,
/// hific_model_busy_share{silo}, hific_queue_wait_seconds (histogram), hific_item_retries_total.
/// </summary>
public static class HificMetrics
{
    public const string MeterName = "HiFiC.Cluster";
    public static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> items = Meter.CreateCounter<long>("hific.items", "{item}", "Items finished by this process's workers, by outcome (done, failed, tile)");
    private static readonly Counter<long> pixels = Meter.CreateCounter<long>("hific.pixels", "{pixel}", "Pixels of images archived by this process");
    private static readonly Counter<double> megapixels = Meter.CreateCounter<double>("hific.megapixels", "{megapixel}", "Megapixels of images archived by this process");
    private static readonly Histogram<double> modelLatency = Meter.CreateHistogram<double>("hific.model.latency", "s", "Codec time per item (compress, tile or assemble)");
    private static readonly Counter<double> modelBusy = Meter.CreateCounter<double>("hific.model.busy", "s",
        "Time model instances spent running the networks (summed over instances); divide its rate by the instances for the busy share");
    private static readonly Histogram<double> queueWait = Meter.CreateHistogram<double>("hific.queue.wait", "s",
        "Time an item's network pass waited for a free model instance (the pipeline's queue)");
    private static readonly Counter<long> retries = Meter.CreateCounter<long>("hific.item.retries", "{attempt}", "Failed attempts put back for another try");

    // One entry per silo of the process: tests and an embedded host run several.
    private static readonly ConcurrentDictionary<string, Func<(double Share, int Instances)>> pools = new(StringComparer.Ordinal);

    static HificMetrics()
    {
        Meter.CreateObservableGauge("hific.model.busy_share", () => pools.Select(p =>
                new Measurement<double>(p.Value().Share, new KeyValuePair<string, object?>("silo", p.Key))),
            "1", "Share of wall time the silo's model instances ran the networks, over the last report interval (0..1)");
        Meter.CreateObservableGauge("hific.model.instances", () => pools.Select(p =>
                new Measurement<int>(p.Value().Instances, new KeyValuePair<string, object?>("silo", p.Key))),
            "{instance}", "Model instances of the silo");
    }

    /// <summary>Registers a silo's busy share for the gauges; dispose to remove it (the silo stopped).</summary>
    public static IDisposable RegisterPool(string silo, Func<(double Share, int Instances)> read)
    {
        pools[silo] = read;
        return new Registration(silo);
    }

    public static void ItemDone(string kind, long itemPixels, TimeSpan model)
    {
        items.Add(1, new KeyValuePair<string, object?>("outcome", kind));
        if (itemPixels > 0)
        {
            pixels.Add(itemPixels);
            megapixels.Add(itemPixels / 1e6);
        }
        modelLatency.Record(model.TotalSeconds);
    }

    public static void ItemFailed() => items.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    public static void ItemRetried() => retries.Add(1);

    public static void ModelBusy(TimeSpan busy) => modelBusy.Add(busy.TotalSeconds);

    public static void QueueWait(TimeSpan wait) => queueWait.Record(wait.TotalSeconds);

    private sealed class Registration(string silo) : IDisposable
    {
        public void Dispose() => pools.TryRemove(silo, out _);
    }
}
