using HiFiC.Codec.Imaging;

namespace HiFiC.Cli.Bench;

/// <summary>
/// A deterministic photo-like test image: smooth gradients, edges and some texture. Pure noise
/// would make the entropy coder's share unrealistically large; a flat image, unrealistically small.
/// </summary>
public static class BenchImage
{
    public static LoadedImage Create(int width, int height, int seed = 7)
    {
        var rng = new Random(seed);
        var rgb = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double u = (double)x / width, v = (double)y / height;
            bool disc = (u - 0.6) * (u - 0.6) + (v - 0.4) * (v - 0.4) < 0.05;
            double texture = 18 * Math.Sin(x * 0.37) * Math.Sin(y * 0.23) + rng.Next(-6, 7);
            int i = (y * width + x) * 3;
            rgb.Pixels[i] = Clamp((disc ? 200 : 60 + 120 * u) + texture);
            rgb.Pixels[i + 1] = Clamp((disc ? 80 : 90 + 100 * v) + texture);
            rgb.Pixels[i + 2] = Clamp(140 + 60 * Math.Sin(6 * u + 3 * v) + texture);
        }
        return new LoadedImage(rgb, SourceColor.Rgb8, null);
    }

    private static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
