using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Cluster.Tests.Scale;

/// <summary>
/// Small real images for the scale run: crops of 32×32 to 64×64 pixels at random places of the
/// photos in the shared training set (real content, not generated patterns), as PNG bytes.
/// </summary>
public sealed class RealCrops : IDisposable
{
    public const string Folder = "/work/shared/datasets/train";
    private readonly List<Image<Rgb24>> photos = [];
    private readonly Random rng;

    public RealCrops(int photosToLoad, int seed)
    {
        rng = new Random(seed);
        foreach (var f in Directory.EnumerateFiles(Folder).Order(StringComparer.Ordinal).Take(photosToLoad))
        {
            try { photos.Add(Image.Load<Rgb24>(f)); }
            catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException) { }
        }
        if (photos.Count == 0) throw new InvalidOperationException($"no photos in {Folder}");
    }

    public static bool Available => Directory.Exists(Folder) && Directory.EnumerateFiles(Folder).Any();

    public byte[] Next()
    {
        var photo = photos[rng.Next(photos.Count)];
        int w = rng.Next(32, 65), h = rng.Next(32, 65);
        int x = rng.Next(0, photo.Width - w + 1), y = rng.Next(0, photo.Height - h + 1);
        using var crop = photo.Clone(c => c.Crop(new Rectangle(x, y, w, h)));
        var png = new MemoryStream();
        crop.SaveAsPng(png);
        return png.ToArray();
    }

    public void Dispose()
    {
        foreach (var p in photos) p.Dispose();
    }
}
