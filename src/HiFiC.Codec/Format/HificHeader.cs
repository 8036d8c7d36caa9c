namespace HiFiC.Codec.Format;

/// <summary>Everything a decoder needs before the first tile. The tile grid is derived, never
/// stored, so it cannot disagree with the image size.</summary>
/// <param name="ModelId">Model that wrote the file (UTF-8, 1..64 bytes, no control characters).</param>
/// <param name="WeightsDigest">SHA-256 of that model's weights (32 bytes): decoding with other
/// weights gives garbage, so a decoder compares it before decoding.</param>
/// <param name="Rate">Continuous rate level t; the codec interprets it.</param>
/// <param name="LatentChannels">Channels of y, for a sanity check against the model.</param>
/// <param name="HyperChannels">Channels of z, for a sanity check against the model.</param>
/// <param name="TileSize">Tile edge in pixels: a multiple of 64 in 64..4096.</param>
public sealed record HificHeader(
    string ModelId,
    byte[] WeightsDigest,
    int Width,
    int Height,
    HificColorInfo Color,
    float Rate,
    int LatentChannels,
    int HyperChannels,
    int TileSize)
{
    /// <summary>
    /// The version new files are written with. 2: every entropy-coded stream of at least 1024
    /// symbols uses four interleaved rANS states (docs/format.md). Readers take 1 and 2; the
    /// version a file carries selects its streams' layout (<see cref="Entropy.RansStreamLayouts.ForFormatVersion"/>).
    /// </summary>
    public const ushort FormatVersion = 2;

    public int TilesX => TilesAlong(Width);

    public int TilesY => TilesAlong(Height);

    /// <summary>Columns x rows; saturates at int.MaxValue for absurd sizes (validation rejects those).</summary>
    public int TileCount => (int)Math.Min(int.MaxValue, (long)TilesX * TilesY);

    /// <summary>Pixel rectangle of tile <paramref name="index"/> (raster order); edge tiles are clipped to the image.</summary>
    public (int X, int Y, int Width, int Height) TileBounds(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TileCount);
        int x = index % TilesX * TileSize;
        int y = index / TilesX * TileSize;
        return (x, y, Math.Min(TileSize, Width - x), Math.Min(TileSize, Height - y));
    }

    // A record compares arrays by reference; two headers with the same digest bytes are the same header.
    public bool Equals(HificHeader? other) =>
        other is not null
        && ModelId == other.ModelId
        && WeightsDigest.AsSpan().SequenceEqual(other.WeightsDigest)
        && Width == other.Width
        && Height == other.Height
        && Color == other.Color
        && Rate.Equals(other.Rate)
        && LatentChannels == other.LatentChannels
        && HyperChannels == other.HyperChannels
        && TileSize == other.TileSize;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ModelId);
        hash.AddBytes(WeightsDigest);
        hash.Add(Width);
        hash.Add(Height);
        hash.Add(Color);
        hash.Add(Rate);
        hash.Add(LatentChannels);
        hash.Add(HyperChannels);
        hash.Add(TileSize);
        return hash.ToHashCode();
    }

    private int TilesAlong(int extent) =>
        TileSize <= 0 || extent <= 0 ? 0 : (int)(((long)extent + TileSize - 1) / TileSize);
}
