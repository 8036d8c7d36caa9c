namespace HiFiC.Cluster.Web.Scaling;

/// <summary>The dashboard's "how many silos" answer, with what it is based on.</summary>
public sealed record ScalingAdvice
{
    /// <summary>Items waiting (as the silos see the queue); -1 when unknown.</summary>
    public long QueueDepth { get; init; }
    /// <summary>Silos reporting, and those of them taking work (not drained).</summary>
    public int Silos { get; init; }
    public int AcceptingSilos { get; init; }
    /// <summary>Items per second one silo does; null when nothing has been measured yet.</summary>
    public double? ItemsPerSecondPerSilo { get; init; }
    /// <summary>"measured" (the cluster's recent rate), "model time" (from the silos' mean codec time, before any rate is measured) or "none".</summary>
    public string Basis { get; init; } = "none";
    public double TargetSeconds { get; init; }
    /// <summary>Time to empty the queue at the current number of accepting silos; null when unknown (or no silo takes work).</summary>
    public double? EtaSeconds { get; init; }
    /// <summary>Silos that empty the queue within the target (between the configured minimum and maximum); null when unknown.</summary>
    public int? RecommendedSilos { get; init; }
    /// <summary>One line a person can check: the numbers behind the recommendation.</summary>
    public string Reason { get; init; } = "";
}
