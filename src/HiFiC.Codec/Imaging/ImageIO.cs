using HiFiC.Codec.Imaging.Metadata;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Codec.Imaging;

/// <summary>
/// Reads input images for the codec and writes decoded images as PNG (SixLabors.ImageSharp 2.1).
/// <list type="bullet">
/// <item>Formats: PNG, JPEG, WebP, BMP, TIFF and GIF (first frame only; likewise the first TIFF page);
/// ImageSharp's TGA and PBM decoders also work. Anything else throws <see cref="ImageInputException"/>.</item>
/// <item>The header is read first (<c>Image.Identify</c>): width or height 0 is refused, and so is a pixel
/// count above <see cref="ImageLoadOptions.MaxPixels"/> — before any pixel is decoded (decompression-bomb guard).</item>
/// <item>The EXIF Orientation tag is applied (AutoOrient) before anything else, so the codec sees the upright image.</item>
/// <item>Greyscale sources are replicated to RGB for the codec and recorded in <see cref="SourceColor"/>,
/// so <see cref="SavePng(string, RgbImage, SourceColor?, byte[]?)"/> writes greyscale again.</item>
/// <item>16-bit sources are rounded to 8 bits per channel; output is always 8-bit (BitDepth 16 is only recorded).</item>
/// <item>Alpha: if every alpha value is 255 it is dropped; otherwise it is returned as a separate straight
/// (not premultiplied) byte plane, and the colour under transparent pixels is kept as decoded.</item>
/// <item>No colour management: pixel values are taken as they are, and the ICC profile that gives them
/// their meaning is carried in <see cref="LoadedImage.Metadata"/> with EXIF (raw, orientation reset to 1),
/// XMP and IPTC, for the container and the restored PNG. PNG gamma is ignored.</item>
/// <item>Empty, truncated, corrupt or non-image input throws <see cref="ImageInputException"/>; file-system
/// errors (missing file, no permission) propagate as the usual IOException types.</item>
/// </list>
/// </summary>
public static class ImageIO
{
    /// <summary>File extensions of the formats Load decodes (GIF and TIFF: first frame/page).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(
        [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a path names a file of a format Load decodes (by extension).</summary>
    public static bool HasImageExtension(string path) => Extensions.Contains(Path.GetExtension(path));

    // Only the first frame is decoded: the pixel limit is checked on one frame, so decoding
    // every frame of an animation would let a file exceed it many times over.
    private static readonly Configuration DecodeConfig = CreateDecodeConfig();

    public static LoadedImage Load(string path, ImageLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(file, Path.GetFileName(path), options ?? ImageLoadOptions.Default);
    }

    public static LoadedImage Load(Stream stream, ImageLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(stream, "<stream>", options ?? ImageLoadOptions.Default);
    }

    /// <param name="metadata">EXIF, XMP, IPTC and ICC profile to write back (eXIf, iTXt, zTXt and iCCP chunks).</param>
    public static void SavePng(string path, RgbImage image, SourceColor? source = null, byte[]? alpha = null, ImageMetadataSet? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        PngOutput.Write(file, image, source, alpha, metadata);
    }

    public static void SavePng(Stream stream, RgbImage image, SourceColor? source = null, byte[]? alpha = null, ImageMetadataSet? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PngOutput.Write(stream, image, source, alpha, metadata);
    }

    private static LoadedImage Load(Stream stream, string name, ImageLoadOptions options)
    {
        if (!stream.CanSeek)
        {
            // Identify and decode each read the stream, so it must be rewindable.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        if (stream.Length - start <= 0)
            throw new ImageInputException($"file is empty: {name}");

        IImageInfo info = Guard(name, () => Image.Identify(DecodeConfig, stream, out _))
            ?? throw new ImageInputException($"not an image or unsupported format: {name}");
        CheckSize(info.Width, info.Height, name, options);

        stream.Position = start;
        IImageFormat format = null!;
        using Image<Rgba32> image = Guard(name, () => Image.Load<Rgba32>(DecodeConfig, stream, out format));
        if (options.ApplyExifOrientation)
            image.Mutate(x => x.AutoOrient());

        var (rgb, alpha) = PixelSplit.Split(image);
        var color = SourceColorDetector.Detect(image, format, hasAlpha: alpha is not null);
        var metadata = options.ReadMetadata ? ImageMetadataReader.Read(stream, start, image, format, options.ApplyExifOrientation) : null;
        return new LoadedImage(rgb, color, alpha) { Metadata = metadata is { IsEmpty: false } ? metadata : null };
    }

    private static void CheckSize(int width, int height, string name, ImageLoadOptions options)
    {
        if (width <= 0 || height <= 0)
            throw new ImageInputException($"image is empty ({width}x{height}): {name}");
        long pixels = (long)width * height;
        if (pixels > options.MaxPixels)
            throw new ImageInputException(
                $"image has {pixels:N0} pixels; the limit is {options.MaxPixels:N0} (decompression-bomb guard): {name}");
        if (pixels > RgbImage.MaxPixels)
            throw new ImageInputException(
                $"image has {pixels:N0} pixels; at most {RgbImage.MaxPixels:N0} fit in one image buffer: {name}");
    }

    // Maps ImageSharp's failures on bad input to one exception type with a message for the user.
    private static T Guard<T>(string name, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (UnknownImageFormatException e)
        {
            throw new ImageInputException($"not an image or unsupported format: {name}", e);
        }
        catch (Exception e) when (e is ImageFormatException or EndOfStreamException)
        {
            throw new ImageInputException($"file is truncated/corrupt: {name} ({e.Message})", e);
        }
        catch (NotSupportedException e)
        {
            throw new ImageInputException($"unsupported image variant: {name} ({e.Message})", e);
        }
        // Malformed data can trip decoder internals instead of a format exception.
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            throw new ImageInputException($"file is truncated/corrupt: {name} ({e.Message})", e);
        }
    }

    private static Configuration CreateDecodeConfig()
    {
        // Only the documented formats: ImageSharp 2.1's PBM/PPM decoder returns wrong pixels for some
        // valid files (seen with dwebp output), and silent wrong input is worse than a refusal.
        var config = new Configuration(
            new SixLabors.ImageSharp.Formats.Png.PngConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Jpeg.JpegConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Webp.WebpConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Bmp.BmpConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Tiff.TiffConfigurationModule(),
            new SixLabors.ImageSharp.Formats.Gif.GifConfigurationModule());
        config.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        config.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return config;
    }
}
