using HiFiC.Codec.Imaging;
using TorchSharp;

namespace HiFiC.Codec.Tests.Imaging;

/// <summary>Deterministic synthetic images shared by the imaging and metrics tests.</summary>
internal static class TestImages
{
    private static readonly Lazy<bool> TorchReady = new(() =>
    {
        HiFiC.Codec.Model.TorchRuntime.Configure(2); // the build machines are shared
        return true;
    });

    public static void InitTorch() => _ = TorchReady.Value;

    /// <summary>Smooth colour gradients plus a few edges: structured enough for SSIM to be meaningful.</summary>
    public static RgbImage Pattern(int w, int h, int lo = 0, int hi = 255)
    {
        var img = new RgbImage(w, h);
        double span = hi - lo;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                double fx = (double)x / Math.Max(1, w - 1), fy = (double)y / Math.Max(1, h - 1);
                double edge = ((x / 8 + y / 8) % 2 == 0) ? 0.2 : 0;
                img.Pixels[i] = (byte)(lo + span * (0.4 * fx + 0.4 * Math.Sin(6 * fy) * Math.Sin(6 * fy) + edge));
                img.Pixels[i + 1] = (byte)(lo + span * (0.5 * fy + 0.3 * fx * fy + edge));
                img.Pixels[i + 2] = (byte)(lo + span * (0.8 * (1 - fx) * (0.5 + 0.5 * Math.Cos(9 * fx * fy)) + edge / 2));
            }
        return img;
    }

    public static RgbImage Random(int w, int h, int seed)
    {
        var img = new RgbImage(w, h);
        new Random(seed).NextBytes(img.Pixels);
        return img;
    }

    /// <summary>Adds integer noise uniform on [-k, k]; the caller keeps values inside [k, 255-k] so nothing clips.</summary>
    public static RgbImage AddUniformNoise(RgbImage src, int k, int seed)
    {
        var rng = new Random(seed);
        var dst = new RgbImage(src.Width, src.Height, (byte[])src.Pixels.Clone());
        for (int i = 0; i < dst.Pixels.Length; i++)
            dst.Pixels[i] = (byte)Math.Clamp(dst.Pixels[i] + rng.Next(-k, k + 1), 0, 255);
        return dst;
    }

    public static RgbImage Solid(int w, int h, byte value)
    {
        var img = new RgbImage(w, h);
        Array.Fill(img.Pixels, value);
        return img;
    }
}
