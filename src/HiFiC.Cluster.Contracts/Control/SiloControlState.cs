namespace HiFiC.Cluster.Contracts.Control;

/// <summary>What a silo's controls are set to, and what it is doing, right after a control call.</summary>
[GenerateSerializer, Immutable, Alias("hific.SiloControlState.v1")]
public sealed record SiloControlState
{
    [Id(0)] public required string Silo { get; init; }
    /// <summary>False while drained (or stopping): no new items are taken.</summary>
    [Id(1)] public bool Accepting { get; init; }
    /// <summary>Model instances: items compressed at once.</summary>
    [Id(2)] public int Concurrency { get; init; }
    /// <summary>Consumer loops pulling items (concurrency plus the prefetch that overlaps I/O with compute).</summary>
    [Id(3)] public int Consumers { get; init; }
    /// <summary>Items being processed right now.</summary>
    [Id(4)] public int Busy { get; init; }
}
