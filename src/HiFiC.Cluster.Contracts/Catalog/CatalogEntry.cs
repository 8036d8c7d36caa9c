namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>One archived image as the browser lists it: the numbers of its manifest, without hashes.</summary>
/// <param name="Path">The source path (the key of restores: GET /api/images/{Path}).</param>
/// <param name="KeptOriginal">The entry holds the original's bytes (<see cref="KeptReason"/>): no PSNR, ratio 1.</param>
[GenerateSerializer, Immutable, Alias("hific.CatalogEntry.v1")]
public sealed record CatalogEntry(
    [property: Id(0)] string Path,
    [property: Id(1)] long SourceSize,
    [property: Id(2)] long OutputSize,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height,
    [property: Id(5)] double Bpp,
    [property: Id(6)] double? Psnr,
    [property: Id(7)] double? MsSsim,
    [property: Id(8)] double? WorstTilePsnr,
    [property: Id(9)] double? WorstTileMsSsim,
    [property: Id(10)] bool Verified,
    [property: Id(11)] bool KeptOriginal,
    [property: Id(12)] string? KeptReason,
    [property: Id(13)] string ModelId,
    [property: Id(14)] double Rate,
    [property: Id(15)] int RefineSteps,
    [property: Id(16)] string? Effort,
    [property: Id(17)] int Tiles)
{
    public long Saved => SourceSize - OutputSize;
    public double Ratio => OutputSize > 0 ? (double)SourceSize / OutputSize : 0;
}
