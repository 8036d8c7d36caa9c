using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Coding;

/// <summary>
/// Where tiles sit. The image is padded (edge replication) to a canvas whose sides are multiples
/// of 64; tiles of TileSize cover the canvas in raster order, the last row/column narrower. The
/// tile grid equals the container's (ceil(W/T) x ceil(H/T)) because T is a multiple of 64.
/// </summary>
public sealed record TileLayout(int Width, int Height, int TileSize)
{
    public const int Multiple = 64;
    public const int LatentStride = 16;

    public int CanvasWidth => RoundUp(Width);
    public int CanvasHeight => RoundUp(Height);
    public int TilesX => (Width + TileSize - 1) / TileSize;
    public int TilesY => (Height + TileSize - 1) / TileSize;
    public int Count => TilesX * TilesY;

    public static int RoundUp(int v) => (v + Multiple - 1) / Multiple * Multiple;

    /// <summary>Tile <paramref name="index"/> on the canvas (sides multiples of 64).</summary>
    public PixelRect Core(int index)
    {
        int x = index % TilesX * TileSize, y = index / TilesX * TileSize;
        return new PixelRect(x, y, Math.Min(TileSize, CanvasWidth - x), Math.Min(TileSize, CanvasHeight - y));
    }

    /// <summary>The core in latent units (1/16).</summary>
    public PixelRect LatentCore(int index)
    {
        var c = Core(index);
        return new PixelRect(c.X / LatentStride, c.Y / LatentStride, c.Width / LatentStride, c.Height / LatentStride);
    }

    public int LatentCanvasWidth => CanvasWidth / LatentStride;
    public int LatentCanvasHeight => CanvasHeight / LatentStride;

    /// <summary>A rectangle grown by <paramref name="margin"/> on every side, clipped to [0,w) x [0,h).</summary>
    public static PixelRect Grow(PixelRect r, int margin, int width, int height)
    {
        int x0 = Math.Max(0, r.X - margin), y0 = Math.Max(0, r.Y - margin);
        int x1 = Math.Min(width, r.X + r.Width + margin), y1 = Math.Min(height, r.Y + r.Height + margin);
        return new PixelRect(x0, y0, x1 - x0, y1 - y0);
    }

    /// <summary>Tiles whose core (in latent units) meets the latent rectangle.</summary>
    public IEnumerable<int> TilesMeetingLatent(PixelRect latent)
    {
        int t = TileSize / LatentStride;
        int tx0 = latent.X / t, ty0 = latent.Y / t;
        int tx1 = Math.Min(TilesX - 1, (latent.X + latent.Width - 1) / t), ty1 = Math.Min(TilesY - 1, (latent.Y + latent.Height - 1) / t);
        for (int ty = ty0; ty <= ty1; ty++)
            for (int tx = tx0; tx <= tx1; tx++)
                yield return ty * TilesX + tx;
    }

    /// <summary>Tiles whose image area meets the pixel rectangle (image coordinates).</summary>
    public IEnumerable<int> TilesMeeting(PixelRect region)
    {
        int tx0 = region.X / TileSize, ty0 = region.Y / TileSize;
        int tx1 = (region.X + region.Width - 1) / TileSize, ty1 = (region.Y + region.Height - 1) / TileSize;
        for (int ty = ty0; ty <= ty1; ty++)
            for (int tx = tx0; tx <= tx1; tx++)
                yield return ty * TilesX + tx;
    }
}
