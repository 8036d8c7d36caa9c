using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// PSNR and MS-SSIM of a decoded image against its source, whole and per tile of the file's grid.
/// Edge tiles thinner than <see cref="MinWindow"/> pixels are widened back into their neighbour,
/// because a metric over a sliver of a few pixels measures noise, not the image.
/// </summary>
public static class FidelityMeasure
{
    public const int MinWindow = 64;

    public static Fidelity Measure(RgbImage source, RgbImage decoded, int tileSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(decoded);
        if (source.Width != decoded.Width || source.Height != decoded.Height)
            throw new ArgumentException($"decoded image is {decoded.Width}x{decoded.Height}, the source {source.Width}x{source.Height}");
        double psnr = Psnr.Compute(source, decoded), msssim = MsSsim.Compute(source, decoded);
        double worstPsnr = psnr, worstMsSsim = msssim;
        var windows = Windows(source.Width, source.Height, tileSize);
        if (windows.Count > 1)
        {
            worstPsnr = worstMsSsim = double.PositiveInfinity;
            foreach (var w in windows)
            {
                var a = source.Crop(w);
                var b = decoded.Crop(w);
                worstPsnr = Math.Min(worstPsnr, Psnr.Compute(a, b));
                // NaN (should not happen) must not pass as "fine": it wins the minimum.
                double m = MsSsim.Compute(a, b);
                worstMsSsim = double.IsNaN(m) ? double.NaN : Math.Min(worstMsSsim, m);
                if (double.IsNaN(worstMsSsim)) break;
            }
        }
        return new Fidelity(Finite(psnr), Finite(msssim), Finite(worstPsnr), Finite(worstMsSsim));
    }

    /// <summary>The tile grid's rectangles, each at least <see cref="MinWindow"/> (or the image's extent) on a side.</summary>
    public static List<PixelRect> Windows(int width, int height, int tileSize)
    {
        var list = new List<PixelRect>();
        for (int y = 0; y < height; y += tileSize)
            for (int x = 0; x < width; x += tileSize)
            {
                var (x0, w) = Span(x, width, tileSize);
                var (y0, h) = Span(y, height, tileSize);
                list.Add(new PixelRect(x0, y0, w, h));
            }
        return list;
    }

    private static (int Start, int Length) Span(int start, int extent, int tile)
    {
        int length = Math.Min(tile, extent - start);
        int wanted = Math.Min(MinWindow, extent);
        if (length >= wanted) return (start, length);
        return (extent - wanted, wanted);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
