using System.Diagnostics.Metrics;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>
/// The silo's OpenTelemetry-compatible instruments (meter "HiFiC.Cluster"). Export them by adding
/// the meter to a metrics pipeline (the web host exports them at /metrics). They are per process;
/// the per-silo totals behind the cluster view are <see cref="SiloCounters"/>.
/// </summary>
public static class HificMetrics
{
    public const string MeterName = "HiFiC.Cluster";
    public static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> items = Meter.CreateCounter<long>("hific.items", "{item}", "Items finished by this process's workers, by outcome (done, failed, tile)");
    private static readonly Counter<long> pixels = Meter.CreateCounter<long>("hific.pixels", "{pixel}", "Pixels of images archived by this process");
    private static readonly Histogram<double> modelLatency = Meter.CreateHistogram<double>("hific.model.latency", "s", "Codec time per item (compress, tile or assemble)");

    public static void ItemDone(string kind, long itemPixels, TimeSpan model)
    {
        items.Add(1, new KeyValuePair<string, object?>("outcome", kind));
        if (itemPixels > 0) pixels.Add(itemPixels);
        modelLatency.Record(model.TotalSeconds);
    }

    public static void ItemFailed() => items.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
}
