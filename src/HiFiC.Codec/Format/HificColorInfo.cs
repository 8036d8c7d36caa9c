namespace HiFiC.Codec.Format;

/// <summary>What the source image was, so a decoder can give back the same kind of image
/// (grey vs RGB, 8 vs 16 bit, with or without alpha) even though the codec itself works in RGB.</summary>
/// <param name="SourceChannels">1 (grey) or 3 (RGB); alpha is not counted here.</param>
/// <param name="SourceBitDepth">8 or 16 bits per sample.</param>
/// <param name="HasAlpha">Whether the file carries an alpha section.</param>
public sealed record HificColorInfo(int SourceChannels, int SourceBitDepth, bool HasAlpha, ColorSpace ColorSpace = ColorSpace.Srgb);
