namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>A decoded image (PNG, JPEG or WebP as asked), or (Original) the original's bytes as they were stored, of ContentType. LatentHash is set for whole-image restores and equals the manifest's when decoding was bit-exact.</summary>
/// <param name="ETag">A strong entity tag (quoted) over what determines the bytes: the stored entry's SHA-256, the model digest and the output parameters. Added later: null from older silos.</param>
/// <param name="NotModified">True when the request's IfNoneMatch held <see cref="ETag"/>: nothing was decoded and <see cref="Png"/> is empty.</param>
[GenerateSerializer, Immutable, Alias("hific.RestoredImage.v1")]
public sealed record RestoredImage(
    [property: Id(0)] byte[] Png,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] string? LatentHash,
    [property: Id(4)] string ModelId,
    [property: Id(5)] bool Original = false,
    [property: Id(6)] string ContentType = "image/png",
    [property: Id(7)] string? ETag = null,
    [property: Id(8)] bool NotModified = false);
