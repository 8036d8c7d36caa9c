using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;

namespace HiFiC.Codec.Imaging;

/// <summary>
/// Reads grey/colour and bit depth from the decoder's format metadata rather than from pixel content:
/// a colour photo that happens to be grey stays colour, as the user saved it.
/// </summary>
internal static class SourceColorDetector
{
    public static SourceColor Detect(Image image, IImageFormat format, bool hasAlpha)
    {
        bool grey = false, deep = false;
        var md = image.Metadata;
        if (format is PngFormat && md.GetPngMetadata() is { ColorType: not null } png)
        {
            grey = png.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha;
            deep = png.BitDepth == PngBitDepth.Bit16;
        }
        else if (format is JpegFormat && md.GetJpegMetadata() is { ColorType: not null } jpeg)
        {
            grey = jpeg.ColorType == JpegColorType.Luminance;
        }
        else if (format is TiffFormat && image.Frames.RootFrame.Metadata.GetTiffMetadata() is { PhotometricInterpretation: not null } tiff)
        {
            grey = tiff.PhotometricInterpretation is TiffPhotometricInterpretation.BlackIsZero
                or TiffPhotometricInterpretation.WhiteIsZero;
            deep = tiff.BitsPerSample is { } bits && bits.Channel0 > 8;
        }
        return new SourceColor(grey ? 1 : 3, deep ? 16 : 8, hasAlpha);
    }
}
