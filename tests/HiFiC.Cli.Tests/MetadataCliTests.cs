using HiFiC.TestSupport;

namespace HiFiC.Cli.Tests;

/// <summary>`hific compress` and `decompress` carry EXIF, XMP, IPTC and the ICC profile (issue 17), as the archive does.</summary>
public sealed class MetadataCliTests(TestModelFolder models) : CliTestBase(models)
{
    [ExiftoolFact]
    public void A_camera_jpeg_decompresses_to_a_png_with_its_exif_gps_xmp_iptc_and_icc()
    {
        var jpeg = In("IMG_0003.jpg");
        File.WriteAllBytes(jpeg, CameraFiles.Jpeg(128, 96));

        var compress = Run("compress", jpeg, "-o", In("IMG_0003.hific"));
        Assert.True(compress.ExitCode == 0, compress.ToString());
        var decompress = Run("decompress", In("IMG_0003.hific"), "-o", In("IMG_0003.png"));
        Assert.True(decompress.ExitCode == 0, decompress.ToString());

        var tags = Exiftool.Read(In("IMG_0003.png"));
        Assert.Equal(CameraFiles.Make, tags["IFD0:Make"]);
        Assert.Equal(CameraFiles.DateTimeOriginal, tags["ExifIFD:DateTimeOriginal"]);
        Assert.Equal("48 deg 51' 29.58\"", tags["GPS:GPSLatitude"]);
        Assert.Equal("Horizontal (normal)", tags["IFD0:Orientation"]);
        Assert.Equal(CameraFiles.Creator, tags["XMP-dc:Creator"]);
        Assert.Equal(CameraFiles.City, tags["IPTC:City"]);
        Assert.Equal("Display P3", tags["ICC_Profile:ProfileDescription"]);
        Assert.Equal("96", tags["PNG:ImageWidth"]); // turned upright (orientation 6)
    }
}
