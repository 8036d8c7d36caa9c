namespace HiFiC.Codec.Format;

/// <summary>Colour space of the source image. Stored as one byte so later versions can add more
/// without changing the layout; version 1 readers refuse any value they do not know.</summary>
public enum ColorSpace : byte
{
    Srgb = 0,
}
