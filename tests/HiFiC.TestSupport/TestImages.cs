using HiFiC.Codec.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace HiFiC.TestSupport;

/// <summary>
/// Deterministic synthetic images for every test project: in-memory <see cref="RgbImage"/> patterns for
/// the imaging and metrics tests, small photo-like PNGs (gradients plus noise) and broken files for the
/// CLI and cluster tests. Each generator is unchanged from the project it came from, so pinned sizes and
/// pixels stay what they were.
/// </summary>
public static class TestImages
{
    // --- In-memory images (from the codec tests) ---
    private static readonly Lazy<bool> TorchReady = new(() =>
    {
        HiFiC.Codec.Networks.TorchRuntime.Configure(2); // the build machines are shared
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

    // --- PNG files for the CLI tests ---
    public static string Png(string path, int width, int height, int seed = 1)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var rng = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            image[x, y] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)rng.Next(100, 140));
        image.SaveAsPng(path);
        return path;
    }

    /// <summary>A PNG cut in half: the signature and header are valid, the pixel data is not.</summary>
    public static string TruncatedPng(string path, int width, int height)
    {
        Png(path, width, height);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    public static string Text(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, content);
        return path;
    }

    public static (int Width, int Height) Size(string path)
    {
        var info = Image.Identify(path);
        return (info.Width, info.Height);
    }

    // --- Folders of PNGs for the cluster tests ---
    public static readonly string[] BadFiles = ["broken/not-an-image.png", "broken/truncated.png"];

    /// <summary>The "large" image of a folder: 256x192, i.e. 12 tiles of 64, split when a job's threshold is below 49,152 pixels.</summary>
    public const string Large = "large/panorama.png";
    public const long SplitThreshold = 8192;

    public static string WriteLarge(string folder)
    {
        WritePng(Path.Combine(folder, Large), 256, 192, seed: 1234);
        return Large;
    }

    /// <summary>Writes <paramref name="count"/> good images (some in sub-folders) and, optionally, the two bad files. Returns the good paths (relative, '/').</summary>
    public static List<string> WriteFolder(string folder, int count, bool withBadFiles, int size = 64, string prefix = "img")
    {
        var good = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var rel = i % 3 == 0 ? $"{prefix}{i:D3}.png" : $"set{i % 3}/{prefix}{i:D3}.png";
            WritePng(Path.Combine(folder, rel), size, size, seed: i);
            good.Add(rel);
        }
        if (withBadFiles)
        {
            Directory.CreateDirectory(Path.Combine(folder, "broken"));
            File.WriteAllText(Path.Combine(folder, BadFiles[0]), "this is not a PNG");
            var png = new MemoryStream();
            using (var img = Make(64, 64, 99)) img.SaveAsPng(png);
            File.WriteAllBytes(Path.Combine(folder, BadFiles[1]), png.ToArray()[..60]);
        }
        return good;
    }

    public static void WritePng(string path, int width, int height, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var img = Make(width, height, seed);
        img.SaveAsPng(path);
    }

    private static Image<Rgb24> Make(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new Image<Rgb24>(width, height);
        double fx = rng.NextDouble() * 0.2, fy = rng.NextDouble() * 0.2;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int n = rng.Next(-8, 9);
                byte r = Clamp(128 + 100 * Math.Sin(x * fx + seed) + n);
                byte g = Clamp(128 + 100 * Math.Cos(y * fy) + n);
                byte b = Clamp((x + y) * 255.0 / (width + height) + n);
                img[x, y] = new Rgb24(r, g, b);
            }
        return img;
    }

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
