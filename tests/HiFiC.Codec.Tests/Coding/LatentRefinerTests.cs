using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Models;

namespace HiFiC.Codec.Tests.Coding;

public class LatentRefinerTests
{
    private static (byte[] File, CompressResult Result) Compress(CodecModel model, RgbImage img, CompressOptions options)
    {
        var ms = new MemoryStream();
        var result = new HificEncoder(model).Compress(TestModels.Loaded(img), ms, options);
        return (ms.ToArray(), result);
    }

    /// <summary>The objective refinement descends, measured on the real file and its real decode.</summary>
    private static double Objective(RgbImage original, RgbImage decoded, double bpp, double rate, int levels) =>
        LatentRefiner.RateWeight(rate, levels) * bpp
        + LatentRefiner.MseWeight * Mse(original, decoded)
        + LatentRefiner.MsSsimWeight * (1 - MsSsim.Compute(original, decoded));

    private static double Mse(RgbImage a, RgbImage b)
    {
        double sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += (a.Pixels[i] - b.Pixels[i]) * (double)(a.Pixels[i] - b.Pixels[i]);
        return sum / a.Pixels.Length;
    }

    [Theory]
    [InlineData(64, 64, 0.0)]
    [InlineData(100, 70, 1.0)] // padded canvas, two tiles of 64
    [InlineData(128, 64, 2.0)]
    public void A_refined_file_decodes_with_the_plain_decoder_and_scores_better_on_the_objective(int w, int h, double rate)
    {
        var model = TestModels.Tiny;
        var img = TestModels.Photo(w, h, seed: 4);
        var plain = Compress(model, img, new CompressOptions { Rate = rate, TileSize = 64 });
        var refined = Compress(model, img, new CompressOptions { Rate = rate, TileSize = 64, RefineSteps = 30 });
        Assert.NotEqual(plain.Result.LatentHash, refined.Result.LatentHash);

        var decoder = new HificDecoder(model);
        var a = decoder.Decompress(new MemoryStream(plain.File));
        var b = decoder.Decompress(new MemoryStream(refined.File));
        Assert.Equal(refined.Result.LatentHash, b.LatentHash); // exact decoding holds for refined latents too
        Assert.Equal((w, h), (b.Image.Width, b.Image.Height));
        int levels = model.Preset.RateLevels;
        double before = Objective(img, a.Image, plain.Result.Bpp, rate, levels);
        double after = Objective(img, b.Image, refined.Result.Bpp, rate, levels);
        Assert.True(after < before, $"objective {before:F4} -> {after:F4}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 9)]
    public void Tiny_images_refine_and_decode(int w, int h)
    {
        var img = TestModels.Photo(w, h, seed: 6);
        var (file, result) = Compress(TestModels.Tiny, img, new CompressOptions { RefineSteps = 3 });
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(file));
        Assert.Equal((w, h), (decoded.Image.Width, decoded.Image.Height));
        Assert.Equal(result.LatentHash, decoded.LatentHash);
    }

    [Fact]
    public void Refinement_changes_no_weight_and_leaves_no_gradients()
    {
        var model = TestModels.Create(Model.HificPreset.Tiny, 11, "refine-weights");
        var before = model.Network.parameters().Select(p => p.detach().clone()).ToList();
        Compress(model, TestModels.Photo(64, 64), new CompressOptions { RefineSteps = 5 });
        var after = model.Network.parameters().ToList();
        for (int i = 0; i < before.Count; i++)
        {
            Assert.True(before[i].equal(after[i]).all().item<bool>(), $"parameter {i} changed");
            Assert.Null(after[i].grad);
        }
    }

    [Fact]
    public void Zero_steps_is_the_plain_encoder()
    {
        var img = TestModels.Photo(96, 64, seed: 2);
        Assert.Equal(Compress(TestModels.Tiny, img, new CompressOptions()).File,
                     Compress(TestModels.Tiny, img, new CompressOptions { RefineSteps = 0 }).File);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(CompressOptions.MaxRefineSteps + 1)]
    public void Out_of_range_step_counts_are_refused(int steps)
    {
        var e = Assert.Throws<ArgumentException>(() => new CompressOptions { RefineSteps = steps }.Validate(3));
        Assert.Contains("Refinement steps", e.Message);
    }

    [Fact]
    public void Refinement_refuses_tiles_whose_back_propagation_would_not_fit()
    {
        new CompressOptions { RefineSteps = 5, TileSize = CompressOptions.MaxRefineTileSize }.Validate(3);
        new CompressOptions { RefineSteps = 0, TileSize = 4096 }.Validate(3);
        var e = Assert.Throws<ArgumentException>(() => new CompressOptions { RefineSteps = 5, TileSize = 2048 }.Validate(3));
        Assert.Contains("tiles of at most 1024", e.Message);
    }

    [Fact]
    public void The_rate_weight_follows_the_trainers_levels_and_interpolates_geometrically()
    {
        Assert.Equal(6, LatentRefiner.RateWeight(0, 3), 12);
        Assert.Equal(1.25, LatentRefiner.RateWeight(1, 3), 12);
        Assert.Equal(0.625, LatentRefiner.RateWeight(2, 3), 12);
        Assert.Equal(Math.Sqrt(6 * 1.25), LatentRefiner.RateWeight(0.5, 3), 12);
        Assert.Equal(6, LatentRefiner.RateWeight(0, 5), 12);
        Assert.Equal(0.625, LatentRefiner.RateWeight(4, 5), 12);
    }

    [Fact]
    public void Cancellation_stops_refinement()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new HificEncoder(TestModels.Tiny).Compress(TestModels.Loaded(TestModels.Photo(64, 64)), Stream.Null,
                new CompressOptions { RefineSteps = 3 }, cts.Token));
    }
}
