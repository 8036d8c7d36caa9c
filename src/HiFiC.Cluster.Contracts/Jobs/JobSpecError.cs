namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>One thing wrong with a job spec: the field (as the HTTP API names it) and why.</summary>
[GenerateSerializer, Immutable, Alias("hific.JobSpecError.v1")]
public sealed record JobSpecError([property: Id(0)] string Field, [property: Id(1)] string Message);
