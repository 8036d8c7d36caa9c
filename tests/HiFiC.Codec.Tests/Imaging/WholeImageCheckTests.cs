using System.Buffers.Binary;
using HiFiC.Codec.Imaging;
using HiFiC.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Codec.Tests.Imaging;

/// <summary>Files the codec cannot represent whole are recognised from their structure (issue 17).</summary>
public class WholeImageCheckTests
{
    [Fact]
    public void An_animated_gif_is_recognised_and_a_still_one_is_not()
    {
        Assert.StartsWith("animated GIF", WholeImageCheck.Reason(CameraFiles.AnimatedGif(3)));
        Assert.Null(WholeImageCheck.Reason(CameraFiles.AnimatedGif(1)));
    }

    [Fact]
    public void Apng_animated_webp_multi_page_tiff_and_cmyk_are_recognised()
    {
        Assert.StartsWith("animated PNG", WholeImageCheck.Reason(Apng()));
        Assert.StartsWith("animated WebP", WholeImageCheck.Reason(AnimatedWebpHeader()));
        Assert.StartsWith("multi-page TIFF", WholeImageCheck.Reason(Tiff(pages: 2, photometric: 2)));
        Assert.StartsWith("CMYK TIFF", WholeImageCheck.Reason(Tiff(pages: 1, photometric: 5)));
        Assert.StartsWith("CMYK JPEG", WholeImageCheck.Reason(CmykJpegHeader()));
        Assert.Null(WholeImageCheck.Reason(Tiff(pages: 1, photometric: 2)));
    }

    [Fact]
    public void Ordinary_photos_and_garbage_say_nothing()
    {
        Assert.Null(WholeImageCheck.Reason(CameraFiles.Jpeg(32, 32)));
        Assert.Null(WholeImageCheck.Reason(Png()));
        Assert.Null(WholeImageCheck.Reason("GIF89a"u8));
        Assert.Null(WholeImageCheck.Reason([0xFF, 0xD8, 0xFF]));
        Assert.Null(WholeImageCheck.Reason([]));
    }

    private static byte[] Png()
    {
        using var image = new Image<Rgb24>(8, 8);
        using var s = new MemoryStream();
        image.SaveAsPng(s);
        return s.ToArray();
    }

    /// <summary>A PNG with an acTL chunk (2 frames) before its image data, as APNG writers put it.</summary>
    private static byte[] Apng()
    {
        var png = Png();
        int afterIhdr = 8 + 12 + 13;
        byte[] actl = [0, 0, 0, 8, (byte)'a', (byte)'c', (byte)'T', (byte)'L', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0];
        return [.. png[..afterIhdr], .. actl, .. png[afterIhdr..]];
    }

    /// <summary>The head of an animated WebP: RIFF, VP8X with the animation flag, ANIM.</summary>
    private static byte[] AnimatedWebpHeader() =>
        [.. "RIFF"u8, 30, 0, 0, 0, .. "WEBP"u8, .. "VP8X"u8, 10, 0, 0, 0, 0x02, 0, 0, 0, 7, 0, 0, 7, 0, 0, .. "ANIM"u8, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A TIFF directory chain (little-endian): one PhotometricInterpretation entry per page.</summary>
    private static byte[] Tiff(int pages, ushort photometric)
    {
        var b = new byte[8 + pages * 18];
        "II*\0"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 8);
        for (int i = 0; i < pages; i++)
        {
            int ifd = 8 + i * 18;
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ifd), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ifd + 2), 262);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ifd + 4), 3);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ifd + 6), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(ifd + 10), photometric);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ifd + 14), i + 1 < pages ? (uint)(ifd + 18) : 0);
        }
        return b;
    }

    /// <summary>SOI, then a baseline SOF0 with four components (what Adobe's CMYK/YCCK JPEGs have).</summary>
    private static byte[] CmykJpegHeader() =>
        [0xFF, 0xD8, 0xFF, 0xC0, 0, 20, 8, 0, 16, 0, 16, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0];
}
