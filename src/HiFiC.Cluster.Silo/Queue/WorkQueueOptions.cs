namespace HiFiC.Cluster.Silo.Queue;

/// <summary>Bound from "HiFiC:Queue".</summary>
public sealed class WorkQueueOptions
{
    public const string Section = "HiFiC:Queue";

    /// <summary>"InProcess" (embedded default). Other providers register their own IWorkQueue.</summary>
    public string Provider { get; set; } = "InProcess";

    /// <summary>Queue name: silos sharing it compete for its items.</summary>
    public string Name { get; set; } = "hific-work";

    /// <summary>How long a received item stays hidden. Workers renew it while compressing, so it bounds the time a dead worker's items wait, not image size.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
