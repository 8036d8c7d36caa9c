namespace HiFiC.Codec.Format;

/// <summary>How much a reader is willing to believe. Every size read from a file is checked against
/// these (and against the real file length) before anything is allocated, so a hostile header
/// cannot make the reader allocate or loop beyond them. The writer checks the same limits so it
/// never produces a file the default reader refuses.</summary>
public sealed class HificLimits
{
    public static HificLimits Default { get; } = new();

    public int MaxWidth { get; init; } = 1 << 17;

    public int MaxHeight { get; init; } = 1 << 17;

    /// <summary>Width x height, at most. Capped at int.MaxValue (2^31 - 1): a pixel count must fit
    /// the 32-bit index every plane and region computation uses, so 2^31 pixels is refused by any limits.</summary>
    public long MaxPixels
    {
        get => maxPixels;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, PixelCountCeiling);
            maxPixels = value;
        }
    }

    /// <summary>The largest pixel count any limits accept (int.MaxValue).</summary>
    public const long PixelCountCeiling = int.MaxValue;

    private readonly long maxPixels = PixelCountCeiling;

    /// <summary>Tiles in the grid; 2^20 covers MaxPixels at a 64-pixel tile with room for edge tiles.</summary>
    public int MaxTiles { get; init; } = 1 << 20;

    public int MaxSections { get; init; } = 16;

    /// <summary>Bytes of the metadata section as stored, and of its entries once inflated (EXIF in
    /// JPEG is at most 64 KiB; large ICC profiles and XMP packets reach a few MiB).</summary>
    public int MaxMetadataBytes { get; init; } = 64 << 20;

    /// <summary>Bytes per pixel of tile area allowed in one stream. Real streams are well under
    /// 1 byte per pixel; 4 leaves room for any rate without letting a header claim gigabytes.</summary>
    public int StreamBytesPerPixel { get; init; } = 4;

    /// <summary>Fixed allowance on top, for coder flush bytes and escape symbols of tiny tiles.</summary>
    public int StreamSlackBytes { get; init; } = 4096;

    /// <summary>Largest z or y stream accepted for one tile of the given edge length.</summary>
    public int MaxStreamBytesPerTile(int tileSize) =>
        (int)Math.Min(int.MaxValue, (long)tileSize * tileSize * StreamBytesPerPixel + StreamSlackBytes);
}
