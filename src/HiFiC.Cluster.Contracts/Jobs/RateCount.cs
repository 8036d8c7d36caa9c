namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>Constant-quality jobs: how many images were coded at one chosen rate t (one bar of the job's rate histogram).</summary>
[GenerateSerializer, Immutable, Alias("hific.RateCount.v1")]
public sealed record RateCount([property: Id(0)] double Rate, [property: Id(1)] long Images);
