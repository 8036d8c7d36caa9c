namespace HiFiC.Codec.Format;

/// <summary>Section type numbers. The top bit of the stored type is the "required" flag (as in
/// PNG's critical chunks): an old reader may skip an unknown optional section, never a required one.</summary>
public static class HificSectionTypes
{
    /// <summary>8-bit alpha plane, W*H bytes in raster order, raw Deflate compressed.</summary>
    public const ushort Alpha = 1;

    /// <summary>The source's EXIF, XMP, IPTC and ICC profile (<see cref="HificMetadataSection"/>); optional, so readers
    /// that predate it skip it and decode the pixels without it.</summary>
    public const ushort Metadata = 2;

    public const ushort RequiredFlag = 0x8000;

    public const ushort TypeMask = 0x7FFF;
}
