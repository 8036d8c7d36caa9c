using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// Collects an input's EXIF, XMP, IPTC and ICC profile. EXIF comes raw from the container where
/// it has one block (JPEG, PNG, WebP; see <see cref="ContainerScanner"/>), otherwise from
/// ImageSharp's profile; XMP, IPTC and ICC are ImageSharp's unparsed bytes. Orientation is reset
/// to 1 when the loader turned the pixels upright.
/// </summary>
internal static class ImageMetadataReader
{
    // TIFF keeps its image structure in the same directory as its EXIF tags; those describe the
    // TIFF's own strips, not the image, and would be wrong anywhere else.
    private static readonly ExifTag[] TiffStructure =
    [
        ExifTag.ImageWidth, ExifTag.ImageLength, ExifTag.BitsPerSample, ExifTag.Compression, ExifTag.PhotometricInterpretation,
        ExifTag.StripOffsets, ExifTag.SamplesPerPixel, ExifTag.RowsPerStrip, ExifTag.StripByteCounts, ExifTag.PlanarConfiguration,
        ExifTag.TileWidth, ExifTag.TileLength, ExifTag.TileOffsets, ExifTag.TileByteCounts, ExifTag.Predictor, ExifTag.SampleFormat,
        ExifTag.ExtraSamples, ExifTag.ColorMap, ExifTag.FillOrder, ExifTag.XMP, ExifTag.IPTC, ExifTag.IccProfile,
    ];

    public static ImageMetadataSet Read(Stream stream, long start, Image image, IImageFormat format, bool upright)
    {
        var raw = ContainerScanner.Scan(stream, start);
        var md = image.Metadata;
        var frame = image.Frames.RootFrame.Metadata;
        byte[]? exif = raw.Exif ?? ProfileExif(format is TiffFormat ? frame.ExifProfile ?? md.ExifProfile : md.ExifProfile, format is TiffFormat);
        byte[]? xmp = NonEmpty((md.XmpProfile ?? frame.XmpProfile)?.ToByteArray());
        byte[]? iptc = raw.Iptc ?? NonEmpty((md.IptcProfile ?? frame.IptcProfile)?.Data);
        byte[]? icc = raw.Icc ?? NonEmpty((md.IccProfile ?? frame.IccProfile)?.ToByteArray());
        if (upright)
        {
            if (exif is not null) exif = ExifOrientation.Reset(exif);
            if (xmp is not null) xmp = XmpOrientation.Reset(xmp);
        }
        return new ImageMetadataSet(exif, xmp, iptc, icc);
    }

    private static byte[]? ProfileExif(ExifProfile? profile, bool tiff)
    {
        if (profile is null) return null;
        if (tiff)
        {
            profile = new ExifProfile(profile.ToByteArray());
            foreach (var tag in TiffStructure) profile.RemoveValue(tag);
        }
        return profile.Values.Count == 0 ? null : NonEmpty(profile.ToByteArray());
    }

    private static byte[]? NonEmpty(byte[]? b) => b is { Length: > 0 } ? b : null;
}
