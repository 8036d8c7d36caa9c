using HiFiC.Codec.Imaging.Metadata;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Codec.Imaging;

/// <summary>
/// Writes an <see cref="RgbImage"/> (plus optional alpha) as an 8-bit PNG of the source's kind:
/// grey sources as L8 (La16 with alpha), colour as Rgb24 (Rgba32 with alpha).
/// </summary>
internal static class PngOutput
{
    public static void Write(Stream stream, RgbImage image, SourceColor? source, byte[]? alpha, ImageMetadataSet? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        if (alpha is not null && alpha.LongLength != (long)w * h)
            throw new ArgumentException($"alpha has {alpha.Length} bytes; a {w}x{h} image needs {(long)w * h}", nameof(alpha));
        bool grey = source?.IsGrey ?? false;

        var encoder = new PngEncoder
        {
            BitDepth = PngBitDepth.Bit8,
            ColorType = (grey, alpha is not null) switch
            {
                (true, false) => PngColorType.Grayscale,
                (true, true) => PngColorType.GrayscaleWithAlpha,
                (false, false) => PngColorType.Rgb,
                (false, true) => PngColorType.RgbWithAlpha,
            },
            // Keep colour under fully transparent pixels: the decoder must give back what it was given.
            TransparentColorMode = PngTransparentColorMode.Preserve,
        };

        using Image png = (grey, alpha) switch
        {
            (false, null) => Image.WrapMemory<Rgb24>(image.Pixels.AsMemory(), w, h), // no copy
            (false, _) => Build<Rgba32>(image, (rgb, x, y) => new Rgba32(rgb[0], rgb[1], rgb[2], alpha[(long)y * w + x])),
            (true, null) => Build<L8>(image, (rgb, _, _) => new L8(Grey(rgb))),
            (true, _) => Build<La16>(image, (rgb, x, y) => new La16(Grey(rgb), alpha[(long)y * w + x])),
        };
        if (metadata is null || metadata.IsEmpty)
        {
            png.Save(stream, encoder);
            return;
        }
        using var plain = new MemoryStream();
        png.Save(plain, encoder);
        stream.Write(PngMetadataChunks.Insert(plain.ToArray(), metadata));
    }

    private delegate TPixel PixelFrom<TPixel>(ReadOnlySpan<byte> rgb, int x, int y);

    private static Image<TPixel> Build<TPixel>(RgbImage image, PixelFrom<TPixel> convert)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var result = new Image<TPixel>(image.Width, image.Height);
        result.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<TPixel> dst = rows.GetRowSpan(y);
                ReadOnlySpan<byte> src = image.Row(y);
                for (int x = 0; x < dst.Length; x++)
                    dst[x] = convert(src.Slice(x * 3, 3), x, y);
            }
        });
        return result;
    }

    // The codec reconstructs the three replicated channels independently; their rounded mean is the
    // least-squares estimate of the grey value (and exact when the channels agree).
    private static byte Grey(ReadOnlySpan<byte> rgb) => (byte)((rgb[0] + rgb[1] + rgb[2] + 1) / 3);
}
