using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Metadata;
using HiFiC.Codec.Tests.Coding;
using HiFiC.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace HiFiC.Codec.Tests.Imaging;

/// <summary>EXIF, XMP, IPTC and the ICC profile survive compress and decompress (issue 17).</summary>
public class ImageMetadataTests
{
    [Fact]
    public void Loading_a_camera_jpeg_collects_its_metadata_with_the_orientation_reset()
    {
        var jpeg = CameraFiles.Jpeg(96, 64, orientation: 6);
        var loaded = ImageIO.Load(new MemoryStream(jpeg));

        Assert.Equal((64, 96), (loaded.Rgb.Width, loaded.Rgb.Height)); // upright
        var md = Assert.IsType<ImageMetadataSet>(loaded.Metadata);
        Assert.Equal(1, ExifOrientation.Read(md.Exif!));
        Assert.Equal(CameraFiles.DisplayP3(), md.Icc);
        Assert.Contains("tiff:Orientation='1'", System.Text.Encoding.UTF8.GetString(md.Xmp!));
        Assert.True(md.Iptc.AsSpan().IndexOf("harbour"u8) > 0); // the keyword record
        var exif = new ExifProfile(md.Exif);
        Assert.Equal(CameraFiles.Make, exif.GetValue(ExifTag.Make)!.Value);
        Assert.Equal(CameraFiles.DateTimeOriginal, exif.GetValue(ExifTag.DateTimeOriginal)!.Value);
        Assert.Equal(48u, exif.GetValue(ExifTag.GPSLatitude)!.Value![0].Numerator);
    }

    [Fact]
    public void Compress_then_decompress_writes_the_same_metadata_into_the_png()
    {
        var loaded = ImageIO.Load(new MemoryStream(CameraFiles.Jpeg(96, 64)));
        using var file = new MemoryStream();
        new HificEncoder(TestModels.Tiny).Compress(loaded, file, new CompressOptions { TileSize = 64 });
        file.Position = 0;
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(file);
        Assert.Equal(loaded.Metadata, decoded.Metadata);

        using var png = new MemoryStream();
        ImageIO.SavePng(png, decoded.Image, decoded.Source, decoded.Alpha, decoded.Metadata);
        var back = ImageIO.Load(new MemoryStream(png.ToArray()));
        Assert.Equal(loaded.Metadata, back.Metadata);
        Assert.Equal(decoded.Image.Pixels, back.Rgb.Pixels); // orientation 1 now: the pixels are not turned again

        // ImageSharp, an independent reader, sees the EXIF in the PNG too (it does not read iCCP: exiftool checks that, in the cluster tests).
        using var image = Image.Load(png.ToArray());
        Assert.Equal(CameraFiles.Model, image.Metadata.ExifProfile!.GetValue(ExifTag.Model)!.Value);
    }

    [Fact]
    public void Orientation_reset_changes_only_the_orientation_bytes()
    {
        var exif = ImageIO.Load(new MemoryStream(CameraFiles.Jpeg(32, 32, orientation: 1))).Metadata!.Exif!;
        var six = ExifOrientationTestData.WithOrientation(exif, 6);
        var reset = ExifOrientation.Reset(six);
        Assert.Equal(1, ExifOrientation.Read(reset));
        Assert.Equal(1, six.Zip(reset).Count(p => p.First != p.Second)); // one byte (6 -> 1, little-endian): thumbnails and maker notes stay as they were
        Assert.Same(exif, ExifOrientation.Reset(exif)); // already 1: the block itself
    }

    private static class ExifOrientationTestData
    {
        public static byte[] WithOrientation(byte[] exif, byte value)
        {
            var copy = (byte[])exif.Clone();
            var p = new ExifProfile(exif);
            Assert.Equal((ushort)1, p.GetValue(ExifTag.Orientation)!.Value);
            // Find the orientation entry (tag 0x0112, type SHORT, count 1) in IFD0 and set its value.
            for (int i = 8; i + 12 <= copy.Length; i += 2)
                if (copy[i] == 0x12 && copy[i + 1] == 0x01 && copy[i + 2] == 3 && copy[i + 3] == 0 && copy[i + 4] == 1)
                {
                    copy[i + 8] = value;
                    return copy;
                }
            throw new InvalidOperationException("no orientation entry");
        }
    }
}
