using System.Buffers.Binary;
using HiFiC.Codec.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Codec.Tests.Imaging;

public sealed class ImageIOTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hific-imageio-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void RgbPng_RoundTripsExactly()
    {
        var img = TestImages.Random(31, 17, seed: 2);
        string path = PathOf("rgb.png");
        ImageIO.SavePng(path, img);

        var loaded = ImageIO.Load(path);
        Assert.Equal(img.Pixels, loaded.Rgb.Pixels);
        Assert.Equal(SourceColor.Rgb8, loaded.Source);
        Assert.Null(loaded.Alpha);
        Assert.Equal(PngColorType.Rgb, PngInfo(path).ColorType);
    }

    [Fact]
    public void GreyPng_IsReplicatedToRgb_AndWrittenBackAsL8()
    {
        var grey = new byte[13 * 9];
        new Random(3).NextBytes(grey);
        string path = PathOf("grey.png");
        using (var src = Image.LoadPixelData<L8>(grey, 13, 9))
            src.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });

        var loaded = ImageIO.Load(path);
        Assert.Equal(new SourceColor(1, 8, false), loaded.Source);
        for (int i = 0; i < grey.Length; i++)
            Assert.Equal([grey[i], grey[i], grey[i]], loaded.Rgb.Pixels.AsSpan(i * 3, 3).ToArray());

        string outPath = PathOf("grey-out.png");
        ImageIO.SavePng(outPath, loaded.Rgb, loaded.Source);
        Assert.Equal(PngColorType.Grayscale, PngInfo(outPath).ColorType);
        Assert.Equal(PngBitDepth.Bit8, PngInfo(outPath).BitDepth);
        using var back = Image.Load<L8>(outPath);
        var values = new byte[grey.Length];
        back.CopyPixelDataTo(values);
        Assert.Equal(grey, values);
    }

    [Fact]
    public void Alpha_IsKeptExactly_AndColourIsNotPremultiplied()
    {
        var rgba = new byte[20 * 10 * 4];
        new Random(4).NextBytes(rgba);
        for (int i = 3; i < rgba.Length; i += 40) rgba[i] = 0; // fully transparent pixels that still carry colour
        string path = PathOf("rgba.png");
        using (var src = Image.LoadPixelData<Rgba32>(rgba, 20, 10))
            src.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, TransparentColorMode = PngTransparentColorMode.Preserve });

        var loaded = ImageIO.Load(path);
        Assert.Equal(new SourceColor(3, 8, true), loaded.Source);
        Assert.Equal(rgba.Where((_, i) => i % 4 == 3), loaded.Alpha!);
        Assert.Equal(rgba.Where((_, i) => i % 4 != 3), loaded.Rgb.Pixels);

        string outPath = PathOf("rgba-out.png");
        ImageIO.SavePng(outPath, loaded.Rgb, loaded.Source, loaded.Alpha);
        using var back = Image.Load<Rgba32>(outPath);
        var values = new byte[rgba.Length];
        back.CopyPixelDataTo(values);
        Assert.Equal(rgba, values);
    }

    [Fact]
    public void FullyOpaqueAlpha_IsDropped()
    {
        string path = PathOf("opaque.png");
        using (var src = new Image<Rgba32>(6, 4, new Rgba32(10, 20, 30, 255)))
            src.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });

        var loaded = ImageIO.Load(path);
        Assert.False(loaded.Source.HasAlpha);
        Assert.Null(loaded.Alpha);
    }

    [Fact]
    public void GreyWithAlpha_IsWrittenAsGreyAlphaPng()
    {
        var img = TestImages.Solid(5, 5, 77);
        var alpha = Enumerable.Range(0, 25).Select(i => (byte)(i * 10)).ToArray();
        var stream = new MemoryStream();
        ImageIO.SavePng(stream, img, new SourceColor(1, 8, true), alpha);

        stream.Position = 0;
        var loaded = ImageIO.Load(stream);
        Assert.Equal(new SourceColor(1, 8, true), loaded.Source);
        Assert.Equal(alpha, loaded.Alpha);
        Assert.Equal(img.Pixels, loaded.Rgb.Pixels);
    }

    [Fact]
    public void ExifOrientation6_IsApplied()
    {
        string path = PathOf("rotated.jpg");
        using (var src = new Image<Rgb24>(40, 20, new Rgb24(0, 0, 255)))
        {
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                    src[x, y] = new Rgb24(255, 0, 0); // red marker at the stored top-left
            src.Metadata.ExifProfile = new ExifProfile();
            src.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            src.SaveAsJpeg(path, new JpegEncoder { Quality = 95 });
        }

        var loaded = ImageIO.Load(path);
        Assert.Equal((20, 40), (loaded.Rgb.Width, loaded.Rgb.Height));
        // Orientation 6 means "rotate 90 degrees clockwise to display": the marker ends up top-right.
        Assert.True(loaded.Rgb.Pixels[(2 * 20 + 17) * 3] > 200);
        Assert.True(loaded.Rgb.Pixels[(2 * 20 + 2) * 3] < 50);

        var raw = ImageIO.Load(path, new ImageLoadOptions { ApplyExifOrientation = false });
        Assert.Equal((40, 20), (raw.Rgb.Width, raw.Rgb.Height));
    }

    [Fact]
    public void SixteenBitPng_LoadsAsRounded8Bit()
    {
        var samples = new ushort[] { 0, 65535, 257 * 100 + 60, 257 * 200 - 90, 1000, 40000 };
        var pixels = new Rgb48[] { new(samples[0], samples[1], samples[2]), new(samples[3], samples[4], samples[5]) };
        string path = PathOf("deep.png");
        using (var src = Image.LoadPixelData(pixels, 2, 1))
            src.SaveAsPng(path, new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });

        var loaded = ImageIO.Load(path);
        Assert.Equal(new SourceColor(3, 16, false), loaded.Source);
        Assert.Equal(samples.Select(v => (byte)Math.Round(v * 255.0 / 65535)), loaded.Rgb.Pixels);
    }

    [Fact]
    public void GreyJpeg_IsRecordedAsGrey()
    {
        string path = PathOf("grey.jpg");
        using (var src = new Image<L8>(16, 16, new L8(128)))
            src.SaveAsJpeg(path, new JpegEncoder { ColorType = JpegColorType.Luminance });
        Assert.Equal(1, ImageIO.Load(path).Source.Channels);
    }

    public static TheoryData<string> LosslessFormats => ["bmp", "tiff", "webp", "gif"];

    [Theory]
    [MemberData(nameof(LosslessFormats))]
    public void OtherFormats_Load(string ext)
    {
        // Four colours, so GIF's palette holds them exactly.
        var img = new RgbImage(24, 16);
        for (int i = 0; i < 24 * 16; i++)
            img.Pixels.AsSpan(i * 3, 3).Fill((byte)(i % 4 * 80));
        IImageEncoder encoder = ext switch
        {
            "bmp" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
            "tiff" => new TiffEncoder(),
            "webp" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
            _ => new GifEncoder(),
        };
        string path = PathOf("img." + ext);
        using (var src = Image.LoadPixelData<Rgb24>(img.Pixels, 24, 16))
            src.Save(path, encoder);

        var loaded = ImageIO.Load(path);
        Assert.Equal(img.Pixels, loaded.Rgb.Pixels);
        Assert.Null(loaded.Alpha);
    }

    [Fact]
    public void NonImage_IsRefused()
    {
        string path = PathOf("x.txt");
        File.WriteAllText(path, "this is not an image, just some text that is long enough to sniff");
        var e = Assert.Throws<ImageInputException>(() => ImageIO.Load(path));
        Assert.Equal("not an image or unsupported format: x.txt", e.Message);
    }

    [Fact]
    public void EmptyFile_IsRefused()
    {
        string path = PathOf("empty.png");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<ImageInputException>(() => ImageIO.Load(path));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void TruncatedPng_IsRefused()
    {
        byte[] png = EncodePng(TestImages.Random(64, 64, seed: 5));
        string path = PathOf("cut.png");
        File.WriteAllBytes(path, png[..(png.Length / 2)]);
        var e = Assert.Throws<ImageInputException>(() => ImageIO.Load(path));
        Assert.Contains("truncated/corrupt", e.Message);
    }

    [Fact]
    public void PixelLimit_IsCheckedFromTheHeaderBeforeDecoding()
    {
        // Header claims 100000 x 100000 but the file holds 8x8 of data: decoding would fail or exhaust
        // memory, so the specific refusal proves only the header was read.
        byte[] bomb = WithIhdrSize(EncodePng(TestImages.Random(8, 8, seed: 6)), 100_000, 100_000);
        var e = Assert.Throws<ImageInputException>(() => ImageIO.Load(new MemoryStream(bomb)));
        Assert.Equal("image has 10,000,000,000 pixels; the limit is 200,000,000 (decompression-bomb guard): <stream>", e.Message);

        var small = new MemoryStream(EncodePng(TestImages.Random(100, 100, seed: 7)));
        e = Assert.Throws<ImageInputException>(() => ImageIO.Load(small, new ImageLoadOptions { MaxPixels = 9_999 }));
        Assert.Contains("image has 10,000 pixels; the limit is 9,999", e.Message);
    }

    [Fact]
    public void ZeroWidthHeader_IsRefused()
    {
        byte[] png = WithIhdrSize(EncodePng(TestImages.Random(8, 8, seed: 8)), 0, 8);
        Assert.Throws<ImageInputException>(() => ImageIO.Load(new MemoryStream(png)));
    }

    [Fact]
    public void NonSeekableStream_Loads()
    {
        var img = TestImages.Random(9, 7, seed: 9);
        var loaded = ImageIO.Load(new ForwardOnlyStream(EncodePng(img)));
        Assert.Equal(img.Pixels, loaded.Rgb.Pixels);
    }

    [Fact]
    public void SavePng_RejectsAlphaOfWrongLength() =>
        Assert.Throws<ArgumentException>(() => ImageIO.SavePng(new MemoryStream(), new RgbImage(4, 4), null, new byte[15]));

    private static byte[] EncodePng(RgbImage img)
    {
        var ms = new MemoryStream();
        ImageIO.SavePng(ms, img);
        return ms.ToArray();
    }

    private static PngMetadata PngInfo(string path) => Image.Identify(path).Metadata.GetPngMetadata();

    // IHDR follows the 8-byte signature: length, "IHDR", width, height, ..., CRC over type + data.
    private static byte[] WithIhdrSize(byte[] png, int width, int height)
    {
        var result = (byte[])png.Clone();
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(29), Crc32(result.AsSpan(12, 17)));
        return result;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public void Ppm_is_refused_rather_than_decoded_wrongly()
    {
        var path = PathOf("x.ppm");
        File.WriteAllBytes(path, [.. "P6\n2 1\n255\n"u8.ToArray(), 10, 20, 30, 40, 50, 60]);
        var e = Assert.Throws<ImageInputException>(() => ImageIO.Load(path));
        Assert.StartsWith("not an image or unsupported format", e.Message);
    }
}
