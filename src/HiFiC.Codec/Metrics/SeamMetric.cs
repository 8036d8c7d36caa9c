using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Metrics;

/// <summary>
/// How visible tile borders are: the mean absolute step between neighbouring pixels across
/// tile borders divided by the same mean over all other neighbour pairs. A seam shows as a
/// ratio above the one the same image has without tiling (compare against an untiled decode,
/// since photos have their own edges).
/// </summary>
public static class SeamMetric
{
    public static double BorderToInteriorRatio(RgbImage img, int tileSize)
    {
        double border = 0, interior = 0;
        long nb = 0, ni = 0;
        var px = img.Pixels;
        int w = img.Width, h = img.Height;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                if (x > 0)
                {
                    double d = Step(px, i, i - 3);
                    if (x % tileSize == 0) { border += d; nb++; } else { interior += d; ni++; }
                }
                if (y > 0)
                {
                    double d = Step(px, i, i - w * 3);
                    if (y % tileSize == 0) { border += d; nb++; } else { interior += d; ni++; }
                }
            }
        if (nb == 0 || ni == 0 || interior == 0) return 1.0;
        return border / nb / (interior / ni);
    }

    private static double Step(byte[] p, int a, int b) =>
        (Math.Abs(p[a] - p[b]) + Math.Abs(p[a + 1] - p[b + 1]) + Math.Abs(p[a + 2] - p[b + 2])) / 3.0;
}
