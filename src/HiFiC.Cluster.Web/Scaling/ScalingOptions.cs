namespace HiFiC.Cluster.Web.Scaling;

/// <summary>Bound from "HiFiC:Web:Scaling": how the dashboard turns queue depth and throughput into a recommended silo count.</summary>
public sealed class ScalingOptions
{
    public const string Section = "HiFiC:Web:Scaling";

    /// <summary>How long the queue may take to drain: the recommendation is the silo count that empties it within this. The dashboard can ask for another target per request.</summary>
    public TimeSpan TargetCompletion { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The recommendation never goes below this (an idle cluster keeps its minimum)...</summary>
    public int MinSilos { get; set; } = 1;

    /// <summary>...nor above this (GPU quota, budget).</summary>
    public int MaxSilos { get; set; } = 64;

    /// <summary>Throughput per silo is the cluster's mean rate over this window (samples with work only) divided by the silos taking work.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);
}
