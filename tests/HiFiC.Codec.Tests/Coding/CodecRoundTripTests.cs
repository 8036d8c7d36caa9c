using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using TorchSharp;

namespace HiFiC.Codec.Tests.Coding;

public class CodecRoundTripTests
{
    private static (byte[] File, CompressResult Result) Compress(RgbImage img, CompressOptions? options = null)
    {
        var ms = new MemoryStream();
        var result = new HificEncoder(TestModels.Tiny).Compress(TestModels.Loaded(img), ms, options);
        return (ms.ToArray(), result);
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(100, 37)]
    [InlineData(130, 200)]
    public void Decoding_reproduces_the_encoders_latents_exactly(int w, int h)
    {
        var (file, result) = Compress(TestModels.Photo(w, h), new CompressOptions { TileSize = 64 });
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file));
        Assert.Equal(result.LatentHash, decoded.LatentHash);
        Assert.Equal(w, decoded.Image.Width);
        Assert.Equal(h, decoded.Image.Height);
    }

    [Fact]
    public void Reported_bpp_is_the_real_file_size()
    {
        var img = TestModels.Photo(128, 96);
        var (file, result) = Compress(img);
        Assert.Equal(file.Length, result.Bytes);
        Assert.Equal(file.Length * 8.0 / (128 * 96), result.Bpp, 9);
    }

    [Fact]
    public void Same_input_gives_identical_bytes()
    {
        var img = TestModels.Photo(96, 80);
        Assert.Equal(Compress(img).File, Compress(img).File);
    }

    [Fact]
    public void Thread_count_does_not_change_the_latents()
    {
        var img = TestModels.Photo(192, 128, seed: 3);
        int before = torch.get_num_threads();
        try
        {
            torch.set_num_threads(2);
            var (file2, r2) = Compress(img, new CompressOptions { TileSize = 128 });
            torch.set_num_threads(1);
            var (file1, r1) = Compress(img, new CompressOptions { TileSize = 128 });
            // encode with 2 threads, decode with 1 — and the other way round
            var d21 = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file2));
            torch.set_num_threads(2);
            var d12 = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file1));
            Assert.Equal(r2.LatentHash, d21.LatentHash);
            Assert.Equal(r1.LatentHash, d12.LatentHash);
        }
        finally { torch.set_num_threads(before); }
    }

    [Fact]
    public void At_one_intra_op_thread_count_every_thread_decodes_the_same_pixels()
    {
        // The pixel contract a restore is tested against (DirectDecoder): the file and the thread
        // count decide the pixels, not which thread decodes or what it ran with before.
        var (file, _) = Compress(TestModels.Photo(192, 128, seed: 5), new CompressOptions { TileSize = 128 });
        int before = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            var here = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file));
            byte[]? there = null;
            var other = new Thread(() =>
            {
                torch.set_num_threads(2);
                _ = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file)); // this thread's team first runs at 2
                torch.set_num_threads(1);
                there = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file)).Image.Pixels;
            });
            other.Start();
            other.Join();
            Assert.Equal(here.Image.Pixels, there);
        }
        finally { torch.set_num_threads(before); }
    }

    [Fact]
    public void A_region_decodes_to_the_same_pixels_as_the_whole_image()
    {
        var img = TestModels.Photo(200, 150);
        var (file, _) = Compress(img, new CompressOptions { TileSize = 64 });
        var decoder = new HificDecoder(TestModels.Tiny);
        var whole = decoder.Decompress(new MemoryStream(file)).Image;
        var region = new PixelRect(70, 30, 90, 100);
        var part = decoder.Decompress(new MemoryStream(file), region);
        Assert.Equal(whole.Crop(region).Pixels, part.Image.Pixels);
        Assert.Null(part.LatentHash);
    }

    [Fact]
    public void A_file_from_another_model_is_refused_naming_both()
    {
        var (file, _) = Compress(TestModels.Photo(64, 64));
        using var other = TestModels.Create(HificPreset.Tiny, 8, "other-tiny");
        var e = Assert.Throws<ModelMismatchException>(() => new HificDecoder(other).Decompress(new MemoryStream(file)));
        Assert.Contains("test-tiny", e.Message);
        Assert.Contains("other-tiny", e.Message);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(2.5)]
    public void Every_rate_in_range_round_trips(double rate)
    {
        var (file, result) = Compress(TestModels.Photo(64, 64), new CompressOptions { Rate = rate });
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file));
        Assert.Equal(result.LatentHash, decoded.LatentHash);
        Assert.Equal((float)rate, decoded.Header.Rate);
    }

    [Fact]
    public void Out_of_range_rate_and_bad_tile_sizes_are_refused()
    {
        var img = TestModels.Loaded(TestModels.Photo(64, 64));
        var encoder = new HificEncoder(TestModels.Tiny);
        Assert.Throws<ArgumentException>(() => encoder.Compress(img, new MemoryStream(), new CompressOptions { Rate = 2.51 }));
        Assert.Throws<ArgumentException>(() => encoder.Compress(img, new MemoryStream(), new CompressOptions { Rate = -0.51 }));
        Assert.Throws<ArgumentException>(() => encoder.Compress(img, new MemoryStream(), new CompressOptions { Rate = double.NaN }));
        Assert.Throws<ArgumentException>(() => encoder.Compress(img, new MemoryStream(), new CompressOptions { TileSize = 100 }));
    }

    [Fact]
    public void Alpha_and_grey_sources_come_back()
    {
        var rgb = TestModels.Photo(64, 64);
        var alpha = Enumerable.Range(0, 64 * 64).Select(i => (byte)(i % 251)).ToArray();
        var ms = new MemoryStream();
        new HificEncoder(TestModels.Tiny).Compress(new LoadedImage(rgb, new SourceColor(1, 16, true), alpha), ms);
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(ms.ToArray()));
        Assert.Equal(alpha, decoded.Alpha);
        Assert.Equal(new SourceColor(1, 16, true), decoded.Source);
    }
}
