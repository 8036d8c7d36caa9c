namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>A decoded image as PNG, or (Original) the original's bytes as they were stored, of ContentType. LatentHash is set for whole-image restores and equals the manifest's when decoding was bit-exact.</summary>
[GenerateSerializer, Immutable, Alias("hific.RestoredImage.v1")]
public sealed record RestoredImage(
    [property: Id(0)] byte[] Png,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] string? LatentHash,
    [property: Id(4)] string ModelId,
    [property: Id(5)] bool Original = false,
    [property: Id(6)] string ContentType = "image/png");
