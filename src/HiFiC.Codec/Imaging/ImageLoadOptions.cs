namespace HiFiC.Codec.Imaging;

public sealed record ImageLoadOptions
{
    /// <summary>
    /// Images whose header declares more pixels than this are refused before any pixel is decoded
    /// (a tiny compressed file can declare gigapixels and exhaust memory: decompression-bomb guard).
    /// </summary>
    public long MaxPixels { get; init; } = 200_000_000;

    /// <summary>Rotate/flip according to the EXIF Orientation tag, so the codec sees the image as viewers show it.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>Collect EXIF, XMP, IPTC and the ICC profile into <see cref="LoadedImage.Metadata"/>.</summary>
    public bool ReadMetadata { get; init; } = true;

    public static ImageLoadOptions Default { get; } = new();
}
