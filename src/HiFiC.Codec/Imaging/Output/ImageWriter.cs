using HiFiC.Codec.Imaging.Metadata;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Codec.Imaging.Output;

/// <summary>
/// Writes a decoded image as PNG, JPEG or WebP, shrunk into a box when asked, with the metadata the
/// archive carried. The metadata blocks are spliced in as raw bytes (see <see cref="JpegMetadataSegments"/>,
/// <see cref="WebpMetadataChunks"/>, <see cref="PngMetadataChunks"/>) rather than through ImageSharp's
/// profiles, which re-serialise EXIF and, in 2.1, write no ICC or IPTC into WebP.
/// </summary>
public static class ImageWriter
{
    public static void Write(Stream stream, RgbImage image, SourceColor? source, byte[]? alpha, ImageMetadataSet? metadata, ImageOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field} {p.Message}")), nameof(options));
        if (alpha is not null && alpha.LongLength != (long)image.Width * image.Height)
            throw new ArgumentException($"alpha has {alpha.Length} bytes; a {image.Width}x{image.Height} image needs {(long)image.Width * image.Height}", nameof(alpha));

        var (w, h) = options.SizeFor(image.Width, image.Height);
        if ((w, h) != (image.Width, image.Height)) (image, alpha) = Resize(image, alpha, w, h);
        bool grey = source?.IsGrey ?? false;
        switch (options.Format)
        {
            case OutputFormat.Png:
                PngOutput.Write(stream, image, source, alpha, metadata);
                break;
            case OutputFormat.Jpeg:
                WriteSpliced(stream, EncodeJpeg(image, alpha, grey, options.EffectiveQuality), metadata, JpegMetadataSegments.Insert);
                break;
            case OutputFormat.Webp:
                WriteSpliced(stream, EncodeWebp(image, alpha, options.EffectiveQuality), metadata, WebpMetadataChunks.Insert);
                break;
        }
    }

    private static void WriteSpliced(Stream stream, byte[] encoded, ImageMetadataSet? metadata, Func<byte[], ImageMetadataSet, byte[]> insert) =>
        stream.Write(metadata is null || metadata.IsEmpty ? encoded : insert(encoded, metadata));

    /// <summary>Lanczos-3 down to <paramref name="width"/> x <paramref name="height"/>; alpha is resized with the colour (premultiplied, so transparent pixels do not bleed).</summary>
    private static (RgbImage, byte[]?) Resize(RgbImage image, byte[]? alpha, int width, int height)
    {
        if (alpha is null)
        {
            using var rgb = Image.WrapMemory<Rgb24>(image.Pixels.AsMemory(), image.Width, image.Height);
            using var small = rgb.Clone(x => x.Resize(width, height, KnownResamplers.Lanczos3));
            var result = new RgbImage(width, height);
            small.CopyPixelDataTo(result.Pixels);
            return (result, null);
        }
        using var rgba = ToRgba(image, alpha);
        rgba.Mutate(x => x.Resize(width, height, KnownResamplers.Lanczos3));
        var pixels = new RgbImage(width, height);
        var a = new byte[(long)width * height];
        rgba.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                var dst = pixels.Row(y);
                for (int x = 0; x < row.Length; x++)
                {
                    dst[x * 3] = row[x].R; dst[x * 3 + 1] = row[x].G; dst[x * 3 + 2] = row[x].B;
                    a[(long)y * width + x] = row[x].A;
                }
            }
        });
        return (pixels, a);
    }

    private static Image<Rgba32> ToRgba(RgbImage image, byte[] alpha)
    {
        var result = new Image<Rgba32>(image.Width, image.Height);
        result.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var dst = rows.GetRowSpan(y);
                var src = image.Row(y);
                for (int x = 0; x < dst.Length; x++)
                    dst[x] = new Rgba32(src[x * 3], src[x * 3 + 1], src[x * 3 + 2], alpha[(long)y * image.Width + x]);
            }
        });
        return result;
    }

    /// <summary>JPEG has no alpha: transparent parts are composited over white (what a browser shows on a plain page).</summary>
    private static byte[] EncodeJpeg(RgbImage image, byte[]? alpha, bool grey, int quality)
    {
        var pixels = image;
        if (alpha is not null)
        {
            pixels = new RgbImage(image.Width, image.Height);
            for (int y = 0; y < image.Height; y++)
            {
                var src = image.Row(y);
                var dst = pixels.Row(y);
                for (int x = 0; x < image.Width; x++)
                {
                    int a = alpha[(long)y * image.Width + x];
                    for (int c = 0; c < 3; c++) dst[x * 3 + c] = (byte)((src[x * 3 + c] * a + 255 * (255 - a) + 127) / 255);
                }
            }
        }
        using var img = Image.WrapMemory<Rgb24>(pixels.Pixels.AsMemory(), pixels.Width, pixels.Height);
        using var ms = new MemoryStream();
        img.Save(ms, new JpegEncoder { Quality = quality, ColorType = grey ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420 });
        return ms.ToArray();
    }

    private static byte[] EncodeWebp(RgbImage image, byte[]? alpha, int quality)
    {
        using var ms = new MemoryStream();
        var encoder = new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = quality, Method = WebpEncodingMethod.Default };
        if (alpha is null)
        {
            using var img = Image.WrapMemory<Rgb24>(image.Pixels.AsMemory(), image.Width, image.Height);
            img.Save(ms, encoder);
        }
        else
        {
            using var img = ToRgba(image, alpha);
            img.Save(ms, encoder);
        }
        return ms.ToArray();
    }
}
