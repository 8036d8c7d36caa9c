using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Codec.Tests.Coding;

/// <summary>Small seeded models and synthetic photos: no trained weights needed.</summary>
public static class TestModels
{
    private static readonly Lazy<CodecModel> tiny = new(() => Create(HificPreset.Tiny, 7, "test-tiny"));

    /// <summary>Shared, read-only: coding never mutates a model.</summary>
    public static CodecModel Tiny => tiny.Value;

    public static CodecModel Create(HificPreset preset, long seed, string id)
    {
        TorchRuntime.Configure(2);
        return CodecModel.FromNetwork(HificModel.CreateSeeded(preset, seed), id);
    }

    /// <summary>A smooth gradient with texture and an edge: something like a photo, deterministic.</summary>
    public static RgbImage Photo(int width, int height, int seed = 1)
    {
        var rng = new Random(seed);
        var img = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                double edge = x > width / 2 ? 60 : 0;
                img.Pixels[i] = Clamp(40 + 150.0 * x / width + edge + rng.Next(-8, 9));
                img.Pixels[i + 1] = Clamp(60 + 120.0 * y / height + 40 * Math.Sin(x * 0.2) + rng.Next(-8, 9));
                img.Pixels[i + 2] = Clamp(120 + 60 * Math.Cos((x + y) * 0.05) + rng.Next(-8, 9));
            }
        return img;
    }

    public static LoadedImage Loaded(RgbImage rgb) => new(rgb, new SourceColor(3, 8, false), null);

    private static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);
}
