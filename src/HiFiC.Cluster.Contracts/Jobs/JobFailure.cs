namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>An item that will not be archived, and why.</summary>
[GenerateSerializer, Immutable, Alias("hific.JobFailure.v1")]
public sealed record JobFailure(string SourcePath, string Reason, int Attempts);
