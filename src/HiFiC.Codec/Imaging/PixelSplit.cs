using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Codec.Imaging;

/// <summary>Splits decoded RGBA into the codec's RGB buffer and an alpha plane (null when fully opaque).</summary>
internal static class PixelSplit
{
    public static (RgbImage Rgb, byte[]? Alpha) Split(Image<Rgba32> image)
    {
        int w = image.Width, h = image.Height;
        var rgb = new RgbImage(w, h);
        byte[]? alpha = null; // allocated on the first non-opaque pixel: most inputs have none
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                Span<Rgba32> src = rows.GetRowSpan(y);
                Span<byte> dst = rgb.Row(y);
                for (int x = 0, i = 0; x < w; x++, i += 3)
                {
                    Rgba32 p = src[x];
                    dst[i] = p.R;
                    dst[i + 1] = p.G;
                    dst[i + 2] = p.B;
                }
                if (alpha is null && !AllOpaque(src))
                {
                    alpha = new byte[(long)w * h];
                    alpha.AsSpan(0, y * w).Fill(255);
                }
                if (alpha is not null)
                {
                    Span<byte> a = alpha.AsSpan(y * w, w);
                    for (int x = 0; x < w; x++)
                        a[x] = src[x].A;
                }
            }
        });
        return (rgb, alpha);
    }

    private static bool AllOpaque(Span<Rgba32> row)
    {
        foreach (Rgba32 p in row)
            if (p.A != 255)
                return false;
        return true;
    }
}
