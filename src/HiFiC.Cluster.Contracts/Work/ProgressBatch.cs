namespace HiFiC.Cluster.Contracts.Work;

/// <summary>Outcomes one silo collected for one job since its last report.</summary>
[GenerateSerializer, Immutable, Alias("hific.ProgressBatch.v1")]
public sealed record ProgressBatch([property: Id(0)] string Reporter, [property: Id(1)] IReadOnlyList<ItemOutcome> Outcomes);

/// <summary>How many outcomes changed the job and how many were redeliveries of finished items.</summary>
[GenerateSerializer, Immutable, Alias("hific.ProgressAck.v1")]
public sealed record ProgressAck([property: Id(0)] int Applied, [property: Id(1)] int Ignored);
