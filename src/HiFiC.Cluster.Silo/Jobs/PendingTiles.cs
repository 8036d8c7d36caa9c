namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>Tiles of a split image not yet handed out: tiles <see cref="Next"/>..Count-1 go out
/// as room under MaxInFlight allows, so one huge image cannot flood the queue.</summary>
[GenerateSerializer, Immutable, Alias("hific.PendingTiles.v1")]
public sealed record PendingTiles([property: Id(0)] long BytesIn, [property: Id(1)] int Next, [property: Id(2)] int Count);
