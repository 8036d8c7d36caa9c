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

    /// <summary>
    /// How long a sent message lives (AzureStorageQueue). Empty = never expires: the service's
    /// default of 7 days would silently drop the items of a job paused for longer.
    /// </summary>
    public TimeSpan? MessageTimeToLive { get; set; }

    /// <summary>Throws with the offending key when a value cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new InvalidOperationException($"{Section}:Name must not be empty.");
        if (VisibilityTimeout <= TimeSpan.Zero) throw new InvalidOperationException($"{Section}:VisibilityTimeout must be positive (was {VisibilityTimeout}).");
        if (MessageTimeToLive is { } ttl && ttl <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:MessageTimeToLive must be positive or empty for never (was {ttl}).");
    }
}
