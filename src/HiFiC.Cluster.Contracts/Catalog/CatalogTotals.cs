namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>What the matching entries add up to. <see cref="Measured"/> counts those with a PSNR (verified, not kept as originals); the means are over them.</summary>
[GenerateSerializer, Immutable, Alias("hific.CatalogTotals.v1")]
public sealed record CatalogTotals(
    [property: Id(0)] long Images,
    [property: Id(1)] long BytesBefore,
    [property: Id(2)] long BytesAfter,
    [property: Id(3)] long KeptOriginals,
    [property: Id(4)] long Measured,
    [property: Id(5)] double? MeanPsnr,
    [property: Id(6)] double? MeanMsSsim,
    [property: Id(7)] long Pixels)
{
    public long BytesSaved => BytesBefore - BytesAfter;
    /// <summary>Original bytes / archived bytes; 0 when nothing is archived.</summary>
    public double Ratio => BytesAfter > 0 ? (double)BytesBefore / BytesAfter : 0;
    /// <summary>Archived bits per pixel over all matches.</summary>
    public double Bpp => Pixels > 0 ? BytesAfter * 8.0 / Pixels : 0;
}
