namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>A pixel rectangle of an archived image (right/bottom exclusive).</summary>
[GenerateSerializer, Immutable, Alias("hific.ImageRegion.v1")]
public sealed record ImageRegion([property: Id(0)] int X, [property: Id(1)] int Y, [property: Id(2)] int Width, [property: Id(3)] int Height);
