using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Cli.Tests;

/// <summary>Small photo-like PNGs (gradients plus a little noise) and broken files for the batch tests.</summary>
public static class TestImages
{
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
}
