using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Coding;

/// <summary>
/// How the decoder groups tiles for the generator: blocks of <see cref="TilesWide"/> x
/// <see cref="TilesHigh"/> tiles from the grid's origin (the last row and column of blocks may hold
/// fewer), each synthesised in one pass with the decoder's latent margin around it. Chosen to
/// synthesise the fewest pixels in all (margins count once per block side) with no block over the
/// pixel limit; a function of the tile grid, the margin and the limit only, so every decode of one
/// file (whole, region, silo or CLI) with the same limit uses the same blocks and gives the same pixels.
/// </summary>
public sealed class SynthesisBlocks
{
    private readonly TileLayout layout;

    public int TilesWide { get; }
    public int TilesHigh { get; }
    public int BlocksX => (layout.TilesX + TilesWide - 1) / TilesWide;
    public int BlocksY => (layout.TilesY + TilesHigh - 1) / TilesHigh;
    public int Count => BlocksX * BlocksY;

    /// <summary>Pixels the generator synthesises for the whole image, margins included.</summary>
    public long SynthesisedPixels { get; }

    private SynthesisBlocks(TileLayout layout, int tilesWide, int tilesHigh, long synthesisedPixels)
    {
        this.layout = layout;
        TilesWide = tilesWide;
        TilesHigh = tilesHigh;
        SynthesisedPixels = synthesisedPixels;
    }

    public static SynthesisBlocks For(TileLayout layout, int latentMargin, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int t = layout.TileSize / TileLayout.LatentStride;
        long pxPerLatent = TileLayout.LatentStride * TileLayout.LatentStride;
        // A block's grown area is its grown width times its grown height, so the total is the product
        // of the per-axis sums and the largest block the product of the per-axis maxima.
        var columns = Axis(layout.TilesX, t, layout.LatentCanvasWidth, latentMargin);
        var rows = Axis(layout.TilesY, t, layout.LatentCanvasHeight, latentMargin);
        int bestW = 1, bestH = 1;
        long best = columns[0].Sum * rows[0].Sum;
        for (int w = 1; w <= columns.Length; w++)
        {
            if (columns[w - 1].Max * rows[0].Max * pxPerLatent > maxPixels) break;
            for (int h = 1; h <= rows.Length; h++)
            {
                if (columns[w - 1].Max * rows[h - 1].Max * pxPerLatent > maxPixels) break;
                long total = columns[w - 1].Sum * rows[h - 1].Sum;
                if (total < best || (total == best && (long)w * h > (long)bestW * bestH))
                    (best, bestW, bestH) = (total, w, h);
            }
        }
        return new SynthesisBlocks(layout, bestW, bestH, best * pxPerLatent);
    }

    // For each block size g (tiles, 1..n): the sum and the largest of the blocks' grown extents (latents).
    private static (long Sum, long Max)[] Axis(int tiles, int tileLatents, int canvasLatents, int margin)
    {
        var result = new (long, long)[tiles];
        for (int g = 1; g <= tiles; g++)
        {
            long sum = 0, max = 0;
            for (int first = 0; first < tiles; first += g)
            {
                int x0 = first * tileLatents, x1 = Math.Min(canvasLatents, (first + g) * tileLatents);
                long extent = Math.Min(canvasLatents, x1 + margin) - Math.Max(0, x0 - margin);
                sum += extent;
                max = Math.Max(max, extent);
            }
            result[g - 1] = (sum, max);
        }
        return result;
    }

    /// <summary>The block holding tile <paramref name="tile"/>.</summary>
    public int BlockOf(int tile) => tile / layout.TilesX / TilesHigh * BlocksX + tile % layout.TilesX / TilesWide;

    /// <summary>The blocks holding any of <paramref name="tiles"/>, in raster order.</summary>
    public List<int> Meeting(IEnumerable<int> tiles) => tiles.Select(BlockOf).Distinct().Order().ToList();

    /// <summary>The block's tiles' cores together, in latent units.</summary>
    public PixelRect LatentCore(int block)
    {
        int t = layout.TileSize / TileLayout.LatentStride;
        int x0 = block % BlocksX * TilesWide * t, y0 = block / BlocksX * TilesHigh * t;
        int x1 = Math.Min(layout.LatentCanvasWidth, x0 + TilesWide * t), y1 = Math.Min(layout.LatentCanvasHeight, y0 + TilesHigh * t);
        return new PixelRect(x0, y0, x1 - x0, y1 - y0);
    }
}
