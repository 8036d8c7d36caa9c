namespace HiFiC.Cluster.Silo.Work;

/// <summary>Bound from "HiFiC:Worker".</summary>
public sealed class WorkerOptions
{
    public const string Section = "HiFiC:Worker";

    /// <summary>
    /// Consumer loops in this silo. 0 = (1 + <see cref="PipelineDepth"/>) per model instance, following
    /// the concurrency; a fixed number keeps its surplus over the instances as prefetch loops.
    /// </summary>
    public int Consumers { get; set; }

    /// <summary>
    /// Items per model instance being fetched and decoded ahead of, or written behind, the one in its
    /// network (the bounded pipeline around each instance; used when <see cref="Consumers"/> is 0).
    /// 0 = fetch, network and writes in turn, so the network idles during I/O. Each extra item holds
    /// one decoded image (about 6 bytes a pixel) and one queue lease.
    /// </summary>
    public int PipelineDepth { get; set; } = 1;

    /// <summary>
    /// Messages one consumer loop receives per queue call and works on at once (1–32, Azure Storage's
    /// most per receive). 1 = one item at a time. With small images an item's time is mostly storage
    /// round trips (read, manifest check, two writes, two read-backs), not the network: a batch overlaps
    /// them and costs one receive instead of one per item. The silo then holds up to Consumers × this
    /// many leases and decoded images; each item still renews its own lease and is settled on its own.
    /// </summary>
    public int ReceiveBatch { get; set; } = 1;

    /// <summary>Longest wait for new items before polling again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Outcomes are sent to coordinators at most this often (per silo, per job)...</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>...or as soon as this many are waiting.</summary>
    public int ProgressBatchSize { get; set; } = 128;

    /// <summary>How stale a worker's view of a job's phase may be (pause/cancel take effect within it).</summary>
    public TimeSpan PhaseRefresh { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a paused job's items are put back before being looked at again.</summary>
    public TimeSpan PausedRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Back-off before a failed attempt is retried (times the attempt number).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest image (width x height, from its header) a worker accepts; larger ones fail
    /// before any pixel is decoded or any tile is queued. The codec's own guard (200 M) applies too.</summary>
    public long MaxImagePixels { get; set; } = 200_000_000;

    /// <summary>Set false to host grains (coordinators, restore) without consuming work (a web node).</summary>
    public bool Enabled { get; set; } = true;
}
