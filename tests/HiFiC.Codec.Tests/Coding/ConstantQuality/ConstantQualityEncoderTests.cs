using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.ConstantQuality;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Codec.Tests.Coding.ConstantQuality;

public class ConstantQualityEncoderTests
{
    private static (byte[] Bytes, double MsSsim) Plain(LoadedImage image, double rate, int tile)
    {
        using var file = new MemoryStream();
        new HificEncoder(TestModels.Tiny).Compress(image, file, new CompressOptions { Rate = rate, TileSize = tile });
        var bytes = file.ToArray();
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(bytes));
        return (bytes, MsSsim.Compute(image.Rgb, decoded.Image));
    }

    [Fact]
    public void The_file_written_is_the_plain_encoders_file_at_the_chosen_rate_and_reaches_the_target()
    {
        var image = TestModels.Loaded(TestModels.Photo(100, 70, seed: 3));
        // A target the tiny model reaches somewhere in its range: its own quality at t = 1.
        double q = Plain(image, 1.0, 64).MsSsim;
        using var encoder = new ConstantQualityEncoder(TestModels.Tiny);
        using var output = new MemoryStream();
        var result = encoder.Compress(image, output, new QualityTarget(q) { KneeGain = 0 }, new CompressOptions { TileSize = 64 });

        Assert.Equal(RateSearchStop.Reached, result.Choice.Stop);
        Assert.True(result.MsSsim >= q, $"{result.MsSsim} < {q}");
        Assert.True(result.Choice.Rate <= 1.0, $"t = {result.Choice.Rate}: above a rate known to reach the target");
        // Reusing the analysis changes nothing: the bytes are a direct encode's at that rate.
        var direct = Plain(image, result.Choice.Rate, 64);
        Assert.Equal(direct.Bytes, output.ToArray());
        Assert.Equal(direct.MsSsim, result.MsSsim, 9);
        Assert.Equal((float)result.Choice.Rate, HificDecoder.ReadHeader(new MemoryStream(output.ToArray())).Rate);
        // Every probe was measured on the real file; none below the chosen rate reached the target.
        Assert.All(result.Choice.Probes.Where(p => p.Rate < result.Choice.Rate), p => Assert.True(p.MsSsim < q));
    }

    [Fact]
    public void An_unreachable_target_is_reported_and_the_file_is_the_rate_the_search_stopped_at()
    {
        var image = TestModels.Loaded(TestModels.Photo(64, 64, seed: 5));
        using var encoder = new ConstantQualityEncoder(TestModels.Tiny);
        using var output = new MemoryStream();
        var result = encoder.Compress(image, output, new QualityTarget(1.0), new CompressOptions { TileSize = 64 });

        Assert.False(result.Choice.Reached);
        Assert.Contains(result.Choice.Stop, new[] { RateSearchStop.Knee, RateSearchStop.MaxRate });
        Assert.Equal(Plain(image, result.Choice.Rate, 64).Bytes, output.ToArray());
    }

    [Fact]
    public void With_refinement_the_written_file_still_meets_what_the_plain_file_met()
    {
        var image = TestModels.Loaded(TestModels.Photo(64, 64, seed: 7));
        double q = Plain(image, 0.5, 64).MsSsim;
        using var encoder = new ConstantQualityEncoder(TestModels.Tiny);
        using var output = new MemoryStream();
        var result = encoder.Compress(image, output, new QualityTarget(q) { KneeGain = 0 }, new CompressOptions { TileSize = 64, RefineSteps = 4 });
        Assert.True(result.MsSsim >= Math.Min(q, result.Choice.MsSsim));
        var decoded = new HificDecoder(TestModels.Tiny).Decompress(new MemoryStream(output.ToArray()));
        Assert.Equal(result.MsSsim, MsSsim.Compute(image.Rgb, decoded.Image), 9);
        Assert.Equal(result.Refined ? 1 : 0, result.Result.RefinedTiles);
    }
}
