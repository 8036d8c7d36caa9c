namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// What an image file says about itself beyond its pixels, as raw blocks so nothing is re-encoded
/// (re-serialising EXIF drops thumbnails and moves maker-note offsets). The orientation in
/// <see cref="Exif"/> and <see cref="Xmp"/> is already reset to 1: the codec stores upright pixels.
/// </summary>
/// <param name="Exif">The TIFF-structured EXIF block (starting "II*\0" or "MM\0*"), as in a PNG eXIf chunk.</param>
/// <param name="Xmp">The XMP packet, UTF-8.</param>
/// <param name="Iptc">IPTC-IIM records (0x1C tag datasets), as in Photoshop's 8BIM 0x0404 resource.</param>
/// <param name="Icc">The ICC colour profile the pixel values are in.</param>
public sealed record ImageMetadataSet(byte[]? Exif = null, byte[]? Xmp = null, byte[]? Iptc = null, byte[]? Icc = null)
{
    public static ImageMetadataSet Empty { get; } = new();

    public bool IsEmpty => Exif is null && Xmp is null && Iptc is null && Icc is null;

    /// <summary>Total bytes of the blocks (before any compression).</summary>
    public long Bytes => (Exif?.LongLength ?? 0) + (Xmp?.LongLength ?? 0) + (Iptc?.LongLength ?? 0) + (Icc?.LongLength ?? 0);

    // Records compare arrays by reference; two sets with the same bytes are the same metadata.
    public bool Equals(ImageMetadataSet? other) =>
        other is not null && Same(Exif, other.Exif) && Same(Xmp, other.Xmp) && Same(Iptc, other.Iptc) && Same(Icc, other.Icc);

    public override int GetHashCode() => HashCode.Combine(Exif?.Length, Xmp?.Length, Iptc?.Length, Icc?.Length);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
