namespace HiFiC.Cluster.Contracts.Monitoring;

/// <summary>What one silo reports about itself every few seconds (dashboard and metrics).</summary>
[GenerateSerializer, Immutable, Alias("hific.SiloStats.v1")]
public sealed record SiloStats
{
    [Id(0)] public required string Silo { get; init; }
    [Id(1)] public string Host { get; init; } = "";
    /// <summary>"cpu" or "cuda" (what the model pool computes on).</summary>
    [Id(2)] public string Device { get; init; } = "cpu";
    /// <summary>Model instances: the silo's concurrency (items compressed at once), settable at runtime.</summary>
    [Id(3)] public int ModelInstances { get; init; }
    [Id(4)] public int ThreadsPerInstance { get; init; }
    /// <summary>Items compressed by this silo (not its process: tests run several silos in one) since it started (whole images and tiles), and failed.</summary>
    [Id(5)] public long ItemsDone { get; init; }
    [Id(6)] public long ItemsFailed { get; init; }
    [Id(7)] public long Pixels { get; init; }
    /// <summary>Items and megapixels per second over the last report interval.</summary>
    [Id(8)] public double ItemsPerSecond { get; init; }
    [Id(9)] public double MegapixelsPerSecond { get; init; }
    /// <summary>Mean model (codec) time per item over the silo's life, in milliseconds.</summary>
    [Id(10)] public double MeanModelMs { get; init; }
    /// <summary>Items in the work queue as this silo sees it (approximate for remote queues); -1 when unknown.</summary>
    [Id(11)] public long QueueDepth { get; init; } = -1;
    [Id(12)] public int Busy { get; init; }
    [Id(13)] public DateTime ReportedUtc { get; init; }
    /// <summary>False while the silo is drained (or stopping): it takes no new items.</summary>
    [Id(14)] public bool Accepting { get; init; } = true;
    /// <summary>Consumer loops pulling items.</summary>
    [Id(15)] public int Consumers { get; init; }
    /// <summary>
    /// Share of wall time the model instances ran the networks over the last report interval
    /// (0..1, busy time summed over instances / (interval x instances)): below ~0.9 with items
    /// queued, the pipeline around them (fetch, decode, writes) is what limits the silo.
    /// </summary>
    [Id(110)] public double NetworkBusyShare { get; init; }
    /// <summary>Mean time an item waited for a free model instance over the last report interval, in milliseconds.</summary>
    [Id(111)] public double MeanQueueWaitMs { get; init; }
}
