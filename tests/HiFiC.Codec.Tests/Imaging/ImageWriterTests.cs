using System.Buffers.Binary;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Output;
using HiFiC.TestSupport;
using SixLabors.ImageSharp;

namespace HiFiC.Codec.Tests.Imaging;

/// <summary>Restored images as PNG, JPEG or WebP, resized, with the archive's metadata (issue 19).</summary>
public class ImageWriterTests
{
    private static LoadedImage Camera() => ImageIO.Load(new MemoryStream(CameraFiles.Jpeg(96, 64, orientation: 1)));

    private static byte[] Write(LoadedImage image, ImageOutputOptions options)
    {
        using var ms = new MemoryStream();
        ImageWriter.Write(ms, image.Rgb, image.Source, image.Alpha, image.Metadata, options);
        return ms.ToArray();
    }

    [Fact]
    public void Jpeg_carries_exif_xmp_iptc_and_icc_byte_for_byte()
    {
        var camera = Camera();
        var jpeg = Write(camera, new ImageOutputOptions(OutputFormat.Jpeg, Quality: 90));
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var back = ImageIO.Load(new MemoryStream(jpeg));
        Assert.Equal((96, 64), (back.Rgb.Width, back.Rgb.Height));
        Assert.Equal(camera.Metadata, back.Metadata);
    }

    [Fact]
    public void Webp_carries_exif_xmp_and_icc_in_an_extended_file()
    {
        var camera = Camera();
        var webp = Write(camera, new ImageOutputOptions(OutputFormat.Webp));
        var chunks = Chunks(webp);
        Assert.Equal("VP8X", chunks[0].Type);
        Assert.Equal(0x20 | 0x08 | 0x04, chunks[0].Body[0] & 0x2C); // ICC, EXIF and XMP flags
        Assert.Equal(camera.Metadata!.Icc, chunks.Single(c => c.Type == "ICCP").Body);
        Assert.Equal(camera.Metadata.Exif, chunks.Single(c => c.Type == "EXIF").Body);
        Assert.Equal(camera.Metadata.Xmp, chunks.Single(c => c.Type == "XMP ").Body);
        // Still a WebP that decodes, to the right size, and whose EXIF a reader finds.
        var back = ImageIO.Load(new MemoryStream(webp));
        Assert.Equal((96, 64), (back.Rgb.Width, back.Rgb.Height));
        Assert.Equal(camera.Metadata.Exif, back.Metadata!.Exif);
    }

    [Fact]
    public void Png_without_resize_is_the_plain_png_writer()
    {
        var camera = Camera();
        using var plain = new MemoryStream();
        ImageIO.SavePng(plain, camera.Rgb, camera.Source, camera.Alpha, camera.Metadata);
        Assert.Equal(plain.ToArray(), Write(camera, ImageOutputOptions.Png));
    }

    [Theory]
    [InlineData(48, null, 48, 32)]
    [InlineData(null, 16, 24, 16)]
    [InlineData(30, 30, 30, 20)]
    [InlineData(4000, 4000, 96, 64)] // never enlarged
    public void Resize_keeps_the_aspect_inside_the_box(int? width, int? height, int expectedW, int expectedH)
    {
        foreach (var format in Enum.GetValues<OutputFormat>())
        {
            var bytes = Write(Camera(), new ImageOutputOptions(format, Width: width, Height: height));
            using var img = Image.Load(bytes);
            Assert.Equal((expectedW, expectedH), (img.Width, img.Height));
        }
    }

    [Fact]
    public void Alpha_survives_png_and_webp_and_is_flattened_on_white_in_jpeg()
    {
        var rgb = new RgbImage(32, 32);
        Array.Fill(rgb.Pixels, (byte)0);
        var alpha = new byte[32 * 32]; // fully transparent black
        foreach (var format in new[] { OutputFormat.Png, OutputFormat.Webp })
        {
            using var ms = new MemoryStream();
            ImageWriter.Write(ms, rgb, null, alpha, null, new ImageOutputOptions(format, Width: 16));
            var back = ImageIO.Load(new MemoryStream(ms.ToArray()));
            Assert.True(back.Alpha is not null && back.Alpha.All(a => a == 0), $"{format} lost the transparency");
        }
        using var jpeg = new MemoryStream();
        ImageWriter.Write(jpeg, rgb, null, alpha, null, new ImageOutputOptions(OutputFormat.Jpeg));
        Assert.All(ImageIO.Load(new MemoryStream(jpeg.ToArray())).Rgb.Pixels, v => Assert.True(v >= 250));
    }

    [Fact]
    public void Lower_quality_gives_fewer_bytes()
    {
        var camera = Camera();
        foreach (var format in new[] { OutputFormat.Jpeg, OutputFormat.Webp })
            Assert.True(Write(camera, new ImageOutputOptions(format, Quality: 20)).Length < Write(camera, new ImageOutputOptions(format, Quality: 95)).Length);
    }

    [Theory]
    [InlineData(OutputFormat.Png, 50, null, null, "quality")]
    [InlineData(OutputFormat.Jpeg, 0, null, null, "quality")]
    [InlineData(OutputFormat.Webp, 101, null, null, "quality")]
    [InlineData(OutputFormat.Jpeg, null, 0, null, "width")]
    [InlineData(OutputFormat.Jpeg, null, null, 8193, "height")]
    public void Options_out_of_bounds_are_refused_naming_the_field(OutputFormat format, int? quality, int? width, int? height, string field)
    {
        var options = new ImageOutputOptions(format, quality, width, height);
        Assert.Equal(field, Assert.Single(options.Problems()).Field);
        Assert.Throws<ArgumentException>(() => Write(Camera(), options));
    }

    [Theory]
    [InlineData(null, OutputFormat.Png)]
    [InlineData("*/*", OutputFormat.Png)]
    [InlineData("image/avif,image/webp,image/apng,image/*,*/*;q=0.8", OutputFormat.Webp)]
    [InlineData("image/jpeg", OutputFormat.Jpeg)]
    [InlineData("image/webp;q=0.5, image/jpeg", OutputFormat.Jpeg)]
    [InlineData("image/webp;q=0, image/png", OutputFormat.Png)]
    [InlineData("text/html", OutputFormat.Png)]
    public void Accept_header_picks_the_format(string? accept, OutputFormat expected) =>
        Assert.Equal(expected, OutputFormats.FromAccept(accept));

    private static List<(string Type, byte[] Body)> Chunks(byte[] webp)
    {
        var list = new List<(string, byte[])>();
        for (int at = 12; at + 8 <= webp.Length;)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(at + 4));
            list.Add((System.Text.Encoding.ASCII.GetString(webp, at, 4), webp.AsSpan(at + 8, size).ToArray()));
            at += 8 + size + (size & 1);
        }
        Assert.Equal(webp.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(4)));
        return list;
    }
}
