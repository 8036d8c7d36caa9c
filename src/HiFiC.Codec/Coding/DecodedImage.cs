using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Coding;

/// <summary>
/// A decoded image or region. LatentHash is set for whole-image decodes (it covers every tile)
/// and equals the encoder's when decoding was bit-exact.
/// </summary>
public sealed record DecodedImage(RgbImage Image, PixelRect Region, HificHeader Header, SourceColor Source, byte[]? Alpha, string? LatentHash)
{
    /// <summary>The source's EXIF, XMP, IPTC and ICC profile carried in the file, to write back with the pixels; null when it has none.</summary>
    public ImageMetadataSet? Metadata { get; init; }
}
