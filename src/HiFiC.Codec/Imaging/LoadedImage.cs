using System.Diagnostics.CodeAnalysis;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Imaging;

/// <summary>A decoded input: the 8-bit RGB pixels the codec compresses, plus what is needed to write the original kind of image back.</summary>
public sealed class LoadedImage
{
    public LoadedImage() { }

    [SetsRequiredMembers]
    public LoadedImage(RgbImage rgb, SourceColor source, byte[]? alpha)
    {
        Rgb = rgb;
        Source = source;
        Alpha = alpha;
    }

    public required RgbImage Rgb { get; init; }
    public required SourceColor Source { get; init; }

    /// <summary>
    /// Straight (not premultiplied) alpha, one byte per pixel in row-major order (length Width*Height);
    /// null when the source had none or it was fully opaque.
    /// </summary>
    public byte[]? Alpha { get; init; }

    /// <summary>The source's EXIF, XMP, IPTC and ICC profile (orientation reset); null when it had none.</summary>
    public ImageMetadataSet? Metadata { get; init; }
}
