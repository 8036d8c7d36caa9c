using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>Small deterministic PNGs (smooth gradients plus noise) and deliberately broken files.</summary>
public static class TestImages
{
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
