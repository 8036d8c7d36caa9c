using System.Diagnostics.Metrics;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>
/// The silo's OpenTelemetry-compatible instruments (meter "HiFiC.Cluster"), plus process totals
/// the stats reporter turns into per-silo rates. Export them by adding the meter to a metrics
/// pipeline (the web host exports them at /metrics).
/// </summary>
public static class HificMetrics
{
    public const string MeterName = "HiFiC.Cluster";
    public static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> items = Meter.CreateCounter<long>("hific.items", "{item}", "Items finished by this process's workers, by outcome (done, failed, tile)");
    private static readonly Counter<long> pixels = Meter.CreateCounter<long>("hific.pixels", "{pixel}", "Pixels of images archived by this process");
    private static readonly Histogram<double> modelLatency = Meter.CreateHistogram<double>("hific.model.latency", "s", "Codec time per item (compress, tile or assemble)");

    private static long done, failed, pixelTotal, modelTicks, modelCalls;
    private static int busy;

    public static long Done => Interlocked.Read(ref done);
    public static long Failed => Interlocked.Read(ref failed);
    public static long Pixels => Interlocked.Read(ref pixelTotal);
    public static int Busy => Volatile.Read(ref busy);
    public static double MeanModelMs => Interlocked.Read(ref modelCalls) is var n and > 0 ? TimeSpan.FromTicks(Interlocked.Read(ref modelTicks)).TotalMilliseconds / n : 0;

    public static void ItemStarted() => Interlocked.Increment(ref busy);
    public static void ItemEnded() => Interlocked.Decrement(ref busy);

    public static void ItemDone(string kind, long itemPixels, TimeSpan model)
    {
        Interlocked.Increment(ref done);
        Interlocked.Add(ref pixelTotal, itemPixels);
        Interlocked.Add(ref modelTicks, model.Ticks);
        Interlocked.Increment(ref modelCalls);
        items.Add(1, new KeyValuePair<string, object?>("outcome", kind));
        if (itemPixels > 0) pixels.Add(itemPixels);
        modelLatency.Record(model.TotalSeconds);
    }

    public static void ItemFailed()
    {
        Interlocked.Increment(ref failed);
        items.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
    }
}
