namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>
/// Orders of the archive browser. Each has a natural direction, the one that answers its question
/// first (worst quality, most bytes, most saved); <see cref="CatalogQuery.Reverse"/> turns it around.
/// Entries without the value (no PSNR for an unverified entry or a kept original) always come last.
/// </summary>
[GenerateSerializer, Alias("hific.CatalogSort")]
public enum CatalogSort
{
    /// <summary>Path, ascending.</summary>
    Path = 0,
    /// <summary>PSNR ascending: the worst first.</summary>
    Psnr = 1,
    /// <summary>MS-SSIM ascending: the worst first.</summary>
    MsSsim = 2,
    /// <summary>Bits per pixel, descending: the most expensive first.</summary>
    Bpp = 3,
    /// <summary>Archived size, descending: what takes most space first.</summary>
    Size = 4,
    /// <summary>Bytes saved (original − archived), descending: the biggest savings first.</summary>
    Savings = 5,
    /// <summary>Compression ratio (original / archived), descending.</summary>
    Ratio = 6,
}
