using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Output;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>What the cluster does with an original kept as it was: size it, name its type, and turn
/// it into a PNG (whole or a region, with its metadata) where a PNG is asked for.</summary>
public static class OriginalImage
{
    /// <summary>Width and height as viewers show them (EXIF orientations 5-8 swap them), from the header only.</summary>
    public static (int Width, int Height) UprightSize(byte[] original)
    {
        IImageInfo? info;
        try { info = Image.Identify(original); }
        catch (Exception e) when (e is UnknownImageFormatException or ImageFormatException or NotSupportedException)
        {
            throw new CodecInputException($"not an image or unsupported format ({e.Message})", e);
        }
        if (info is null || info.Width <= 0 || info.Height <= 0) throw new CodecInputException("not an image or unsupported format");
        var orientation = info.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value ?? 1;
        return orientation is >= 5 and <= 8 ? (info.Height, info.Width) : (info.Width, info.Height);
    }

    /// <summary>The media type to serve an original as, from its name (only the raster types archives take).</summary>
    public static string ContentType(string sourcePath) => Path.GetExtension(sourcePath).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".bmp" => "image/bmp",
        ".tif" or ".tiff" => "image/tiff",
        _ => "application/octet-stream",
    };

    /// <summary>The original decoded (first frame or page), upright, cropped to <paramref name="region"/>, as PNG with its metadata.</summary>
    public static (byte[] Png, int Width, int Height) ToPng(byte[] original, ImageRegion? region) => Encode(original, region, ImageOutputOptions.Png);

    /// <summary>The original decoded (first frame or page), upright, cropped to <paramref name="region"/>, written as <paramref name="output"/> asks, with its metadata.</summary>
    public static (byte[] Bytes, int Width, int Height) Encode(byte[] original, ImageRegion? region, ImageOutputOptions output)
    {
        LoadedImage image;
        try { image = ImageIO.Load(new MemoryStream(original, writable: false)); }
        catch (ImageInputException e) { throw new CodecInputException(e.Message, e); }
        var rgb = image.Rgb;
        var alpha = image.Alpha;
        if (region is not null)
        {
            var r = new PixelRect(region.X, region.Y, region.Width, region.Height);
            if (r.IsEmpty || !rgb.Bounds.Contains(r))
                throw new ArgumentException($"Region {r.X},{r.Y},{r.Width},{r.Height} is not inside the {rgb.Width}x{rgb.Height} image.");
            if (alpha is not null) alpha = CropPlane(alpha, rgb.Width, r);
            rgb = rgb.Crop(r);
        }
        using var bytes = new MemoryStream();
        ImageWriter.Write(bytes, rgb, image.Source, alpha, image.Metadata, output);
        var (w, h) = output.SizeFor(rgb.Width, rgb.Height);
        return (bytes.ToArray(), w, h);
    }

    private static byte[] CropPlane(byte[] plane, int width, PixelRect r)
    {
        var result = new byte[r.Width * r.Height];
        for (int y = 0; y < r.Height; y++)
            Array.Copy(plane, (long)(r.Y + y) * width + r.X, result, (long)y * r.Width, r.Width);
        return result;
    }
}
