namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>A decoded image as PNG. LatentHash is set for whole-image restores and equals the manifest's when decoding was bit-exact.</summary>
[GenerateSerializer, Immutable, Alias("hific.RestoredImage.v1")]
public sealed record RestoredImage(
    [property: Id(0)] byte[] Png,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] string? LatentHash,
    [property: Id(4)] string ModelId);
