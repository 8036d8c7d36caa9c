namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>
/// Totals of ONE silo's workers (a singleton of the silo's container, not of the process), which
/// <see cref="SiloStatsReporter"/> turns into the silo's rates: two silos in one process (tests,
/// an embedded host beside another) report their own numbers. Also feeds the process-wide
/// OpenTelemetry instruments of <see cref="HificMetrics"/>.
/// </summary>
public sealed class SiloCounters
{
    private long done, failed, pixels, modelTicks, modelCalls;
    private int busy;

    public long Done => Interlocked.Read(ref done);
    public long Failed => Interlocked.Read(ref failed);
    public long Pixels => Interlocked.Read(ref pixels);
    public int Busy => Volatile.Read(ref busy);
    public double MeanModelMs => Interlocked.Read(ref modelCalls) is var n and > 0 ? TimeSpan.FromTicks(Interlocked.Read(ref modelTicks)).TotalMilliseconds / n : 0;

    public void ItemStarted() => Interlocked.Increment(ref busy);
    public void ItemEnded() => Interlocked.Decrement(ref busy);

    public void ItemDone(string kind, long itemPixels, TimeSpan model)
    {
        Interlocked.Increment(ref done);
        Interlocked.Add(ref pixels, itemPixels);
        Interlocked.Add(ref modelTicks, model.Ticks);
        Interlocked.Increment(ref modelCalls);
        HificMetrics.ItemDone(kind, itemPixels, model);
    }

    public void ItemFailed()
    {
        Interlocked.Increment(ref failed);
        HificMetrics.ItemFailed();
    }
}
