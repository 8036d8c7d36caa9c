using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Coding;

/// <summary>
/// A decoded image or region. LatentHash is set for whole-image decodes (it covers every tile)
/// and equals the encoder's when decoding was bit-exact.
/// </summary>
public sealed record DecodedImage(RgbImage Image, PixelRect Region, HificHeader Header, SourceColor Source, byte[]? Alpha, string? LatentHash);
