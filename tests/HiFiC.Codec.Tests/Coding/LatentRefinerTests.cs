using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Models;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.Coding;

public class LatentRefinerTests
{
    private static (byte[] File, CompressResult Result) Compress(CodecModel model, RgbImage img, CompressOptions options)
    {
        var ms = new MemoryStream();
        var result = new HificEncoder(model).Compress(TestModels.Loaded(img), ms, options);
        return (ms.ToArray(), result);
    }

    private static EncodedLatent Tile(CodecModel model, RgbImage img, double rate, int tileSize, int tile, int steps)
    {
        var encoder = new HificEncoder(model);
        var loaded = TestModels.Loaded(img);
        return encoder.EncodeTile(loaded, encoder.Header(loaded, rate, tileSize), tile, refineSteps: steps);
    }

    [Theory]
    [InlineData(64, 64, 0.0)]
    [InlineData(100, 70, 1.0)] // padded canvas, four tiles of 64 with margins
    [InlineData(128, 64, 2.0)]
    [InlineData(100, 70, -0.5)] // the lowest rate, extrapolated
    public void The_guard_never_writes_a_tile_with_more_bits_or_less_quality_than_the_plain_encoders(int w, int h, double rate)
    {
        var model = TestModels.Tiny;
        var img = TestModels.Photo(w, h, seed: 4);
        int tiles = new TileLayout(w, h, 64).Count;
        for (int t = 0; t < tiles; t++)
        {
            var plain = Tile(model, img, rate, 64, t, 0);
            var refined = Tile(model, img, rate, 64, t, 12);
            var outcome = Assert.IsType<RefineOutcome>(refined.Refinement);
            Assert.True(outcome.Lambda > 0 && double.IsFinite(outcome.Lambda), $"λ {outcome.Lambda}");
            Assert.True(outcome.CostAfter <= outcome.CostBefore, $"tile {t}: J {outcome.CostBefore} -> {outcome.CostAfter}");
            Assert.InRange(outcome.KeptStep, 0, 12);
            // Step 0 is the plain encoder's tile, and the guard's own measure of it is the coded size.
            Assert.Equal(8.0 * (plain.ZStream.Length + plain.YStream.Length), outcome.Before.Bits);
            Assert.Equal(8.0 * (refined.ZStream.Length + refined.YStream.Length), outcome.After.Bits);
            Assert.True(outcome.After.Bits <= outcome.Before.Bits, $"tile {t}: bits {outcome.Before.Bits} -> {outcome.After.Bits}");
            Assert.True(outcome.After.Mse <= outcome.Before.Mse, $"tile {t}: MSE {outcome.Before.Mse} -> {outcome.After.Mse}");
            Assert.True(outcome.After.MsSsim >= outcome.Before.MsSsim, $"tile {t}: MS-SSIM {outcome.Before.MsSsim} -> {outcome.After.MsSsim}");
            if (outcome.KeptStep == 0)
            {
                Assert.Equal(plain.ZStream, refined.ZStream);
                Assert.Equal(plain.YStream, refined.YStream);
                Assert.Equal(outcome.CostBefore, outcome.CostAfter);
                Assert.Equal(outcome.Before, outcome.After);
            }
        }
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void A_refined_image_is_never_bigger_nor_worse_than_the_plain_one_as_decoded(double rate)
    {
        // One tile: the whole image is what the guard measured, so the file as decoded obeys the guard exactly.
        var img = TestModels.Photo(64, 48, seed: 5);
        var options = new CompressOptions { Rate = rate, TileSize = 64 };
        var plain = Compress(TestModels.Tiny, img, options);
        var refined = Compress(TestModels.Tiny, img, options with { RefineSteps = 12 });
        var decoder = new HificDecoder(TestModels.Tiny);
        var a = decoder.Decompress(new MemoryStream(plain.File)).Image;
        var b = decoder.Decompress(new MemoryStream(refined.File)).Image;
        Assert.True(refined.File.Length <= plain.File.Length, $"t={rate}: {plain.File.Length} -> {refined.File.Length} bytes");
        Assert.True(LatentRefiner.Mse(b, img) <= LatentRefiner.Mse(a, img), $"t={rate}: MSE {LatentRefiner.Mse(a, img)} -> {LatentRefiner.Mse(b, img)}");
        Assert.True(MsSsim.Compute(b, img) >= MsSsim.Compute(a, img), $"t={rate}: MS-SSIM {MsSsim.Compute(a, img)} -> {MsSsim.Compute(b, img)}");
    }

    [Theory]
    [InlineData(64, 64, 0.0)]
    [InlineData(100, 70, 1.0)]
    public void A_refined_file_decodes_exactly_with_the_plain_decoder(int w, int h, double rate)
    {
        var img = TestModels.Photo(w, h, seed: 4);
        var refined = Compress(TestModels.Tiny, img, new CompressOptions { Rate = rate, TileSize = 64, RefineSteps = 10 });
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(refined.File));
        Assert.Equal(refined.Result.LatentHash, decoded.LatentHash); // exact decoding holds for refined latents too
        Assert.Equal((w, h), (decoded.Image.Width, decoded.Image.Height));
        Assert.Equal(10, refined.Result.RefineSteps);
        Assert.Equal(new TileLayout(w, h, 64).Count, refined.Result.RefinedTiles);
        Assert.InRange(refined.Result.TilesKeptPlain, 0, refined.Result.RefinedTiles);
    }

    [Fact]
    public void Refining_a_tile_twice_writes_the_same_bytes_so_split_encoding_stays_byte_identical()
    {
        var img = TestModels.Photo(100, 70, seed: 9);
        var a = Tile(TestModels.Tiny, img, 1.0, 64, 1, 8);
        var b = Tile(TestModels.Tiny, img, 1.0, 64, 1, 8);
        Assert.Equal(a.ZStream, b.ZStream);
        Assert.Equal(a.YStream, b.YStream);
        var whole = Compress(TestModels.Tiny, img, new CompressOptions { Rate = 1.0, TileSize = 64, RefineSteps = 8 });
        var split = new HiFiC.Codec.Coding.Split.SplitEncoder(TestModels.Tiny);
        var options = new CompressOptions { Rate = 1.0, TileSize = 64, RefineSteps = 8 };
        var parts = Enumerable.Range(0, 4).Select(t => split.EncodeTile(TestModels.Loaded(img), options, t)).ToList();
        Assert.Equal(whole.File, split.Assemble(TestModels.Loaded(img), options, parts).Bytes);
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
        var model = TestModels.Create(HiFiC.Codec.Networks.HificPreset.Tiny, 11, "refine-weights");
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

    [Fact]
    public void Sga_rounding_stays_between_floor_and_ceil_and_becomes_hard_rounding_as_the_temperature_falls()
    {
        using var scope = NewDisposeScope();
        using var random = new TorchSharp.torch.Generator(7);
        var x = linspace(-3.4, 3.4, 1001).requires_grad_(true);
        var soft = LatentRefiner.SgaRound(x, 0.5, random);
        Assert.True((soft >= x.detach().floor()).all().item<bool>() && (soft <= x.detach().ceil()).all().item<bool>());
        var grad = autograd.grad([soft.sum()], [x])[0];
        Assert.True(grad.isfinite().all().item<bool>());
        // Away from the half-way points, a cold sample is round(x).
        var hard = LatentRefiner.SgaRound(x.detach(), 0.02, random);
        var far = ((x.detach() - x.detach().round()).abs() < 0.4);
        Assert.True((hard - x.detach().round()).abs().masked_select(far).max().item<float>() < 1e-3f);
    }

    [Fact]
    public void The_schedule_is_the_papers_compressed_onto_the_steps_given()
    {
        var s = new RefineSchedule(20);
        // τ(t) = min(0.5, 0.5·exp(−1e-3·(t − 700))) at t = step·2000/steps.
        Assert.Equal(0.5, s.Temperature(1), 12);
        Assert.Equal(0.5 * Math.Exp(-1e-3 * 1300), s.Temperature(20), 12);
        Assert.Equal(new RefineSchedule(2000).Temperature(1500), s.Temperature(15), 12);
        Assert.True(s.LearningRate(19) < s.LearningRate(18)); // the last 10% at a tenth
        Assert.Equal(s.BaseLearningRate * 0.1, s.LearningRate(20), 12);
        Assert.True(s.IsGuardStep(20));
        Assert.Equal(5, Enumerable.Range(1, 20).Count(s.IsGuardStep));
        Assert.Equal(5e-3, new RefineSchedule(1000).BaseLearningRate, 12);
    }

    [Fact]
    public void Effort_levels_name_their_steps_and_default_to_fast_on_a_cpu()
    {
        Assert.Equal(0, RefineEfforts.Steps(RefineEffort.Fast));
        Assert.True(RefineEfforts.Steps(RefineEffort.Balanced) > 0);
        Assert.True(RefineEfforts.Steps(RefineEffort.Max) > RefineEfforts.Steps(RefineEffort.Balanced));
        Assert.Equal(RefineEffort.Max, RefineEfforts.Parse(" MAX "));
        Assert.Equal(RefineEffort.Fast, RefineEfforts.DefaultFor(onGpu: false));
        Assert.Equal(RefineEffort.Balanced, RefineEfforts.DefaultFor(onGpu: true));
        var e = Assert.Throws<ArgumentException>(() => RefineEfforts.Parse("turbo"));
        Assert.Contains("fast, balanced, max", e.Message);
        Assert.All(RefineEfforts.Names, n => Assert.Equal(n, RefineEfforts.Name(RefineEfforts.Parse(n))));
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
    public void The_fallback_rate_weight_follows_the_trainers_levels_and_interpolates_geometrically()
    {
        Assert.Equal(6, LatentRefiner.RateWeight(0, 3), 12);
        Assert.Equal(1.25, LatentRefiner.RateWeight(1, 3), 12);
        Assert.Equal(0.625, LatentRefiner.RateWeight(2, 3), 12);
        Assert.Equal(Math.Sqrt(6 * 1.25), LatentRefiner.RateWeight(0.5, 3), 12);
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
