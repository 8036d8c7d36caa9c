using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// All training photos decoded once into memory (8-bit RGB), large ones downscaled ~2x with
/// Lanczos so that JPEG/WebP artefacts of the sources are hidden. Batches are random crops
/// with horizontal flips, drawn from a seed per step so a resumed run sees the same data.
/// </summary>
public sealed class TrainingData
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"];
    private readonly List<(int Width, int Height, byte[] Pixels)> images = new();
    private float[] scratch = [];

    public int Count => images.Count;

    public static TrainingData Load(string dir, int minSide, int downscaleAbove, Action<string>? log = null)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Training data folder not found: {dir}");
        var data = new TrainingData();
        foreach (var path in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (!Extensions.Contains(Path.GetExtension(path).ToLowerInvariant())) continue;
            try
            {
                using var image = Image.Load<Rgb24>(path);
                image.Mutate(x => x.AutoOrient());
                int shortSide = Math.Min(image.Width, image.Height);
                if (shortSide > downscaleAbove)
                {
                    // ~2x, but never below the crop size.
                    double factor = Math.Max(0.5, (double)minSide / shortSide);
                    image.Mutate(x => x.Resize((int)(image.Width * factor), (int)(image.Height * factor), KnownResamplers.Lanczos3));
                }
                if (image.Width < minSide || image.Height < minSide) { log?.Invoke($"skipped (smaller than {minSide}px): {path}"); continue; }
                var pixels = new byte[image.Width * image.Height * 3];
                image.CopyPixelDataTo(pixels);
                data.images.Add((image.Width, image.Height, pixels));
            }
            catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException)
            {
                log?.Invoke($"skipped (not readable: {e.Message}): {path}");
            }
        }
        if (data.images.Count == 0) throw new InvalidOperationException($"No usable training images in {dir}.");
        return data;
    }

    /// <summary>[N,3,S,S] float in [0,1].</summary>
    public Tensor Batch(int batchSize, int crop, Random rng)
    {
        // Reused: torch.tensor copies it, and a fresh multi-megabyte array per step lands on the
        // large-object heap, which the GC lets grow for a long time (RSS crept ~6 MB/step).
        int length = batchSize * 3 * crop * crop;
        if (scratch.Length != length) scratch = new float[length];
        var buffer = scratch;
        int plane = crop * crop;
        for (int b = 0; b < batchSize; b++)
        {
            var (w, h, px) = images[rng.Next(images.Count)];
            int x0 = rng.Next(w - crop + 1), y0 = rng.Next(h - crop + 1);
            bool flip = rng.Next(2) == 1;
            int baseIndex = b * 3 * plane;
            for (int y = 0; y < crop; y++)
            {
                int row = ((y0 + y) * w + x0) * 3;
                for (int x = 0; x < crop; x++)
                {
                    int sx = flip ? crop - 1 - x : x;
                    int s = row + sx * 3, d = baseIndex + y * crop + x;
                    buffer[d] = px[s] / 255f;
                    buffer[d + plane] = px[s + 1] / 255f;
                    buffer[d + 2 * plane] = px[s + 2] / 255f;
                }
            }
        }
        return torch.tensor(buffer, [batchSize, 3, crop, crop]);
    }

    /// <summary>Fixed centre crops, one per image (for monitoring).</summary>
    public Tensor CentreCrops(int crop, int max)
    {
        int n = Math.Min(max, images.Count);
        var tensors = new List<Tensor>();
        for (int i = 0; i < n; i++)
        {
            var (w, h, _) = images[i];
            tensors.Add(CropAt(i, (w - crop) / 2, (h - crop) / 2, crop));
        }
        return cat(tensors, 0);
    }

    private Tensor CropAt(int index, int x0, int y0, int crop)
    {
        var (w, _, px) = images[index];
        var buffer = new float[3 * crop * crop];
        int plane = crop * crop;
        for (int y = 0; y < crop; y++)
            for (int x = 0; x < crop; x++)
            {
                int s = ((y0 + y) * w + x0 + x) * 3, d = y * crop + x;
                buffer[d] = px[s] / 255f; buffer[d + plane] = px[s + 1] / 255f; buffer[d + 2 * plane] = px[s + 2] / 255f;
            }
        return torch.tensor(buffer, [1, 3, crop, crop]);
    }
}
