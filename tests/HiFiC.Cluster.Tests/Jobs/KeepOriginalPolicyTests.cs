using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>The decision behind "never worse than the original" (issue 17.4), on measured and given numbers.</summary>
public sealed class KeepOriginalPolicyTests
{
    private static WorkItem Item(QualityFloor? quality) =>
        new("job", "src", "dst", "a.png", 1000, "digest", 1, 64, false, 3, Quality: quality);

    private static CompressOutcome Outcome(double psnr, double msssim, double worstPsnr, double worstMsSsim) =>
        new(256, 256, 16, 500, 0.06, "hash", "tiny", "digest", true, psnr, msssim, worstPsnr, worstMsSsim);

    [Fact]
    public void A_local_artefact_fails_the_floor_on_the_worst_tile_though_the_whole_image_passes()
    {
        var source = new RgbImage(256, 256);
        new Random(3).NextBytes(source.Pixels);
        var decoded = new RgbImage(256, 256, (byte[])source.Pixels.Clone());
        // One 16x16 block wiped out: 1/256 of the image, 1/16 of one tile.
        for (int y = 136; y < 152; y++) decoded.Pixels.AsSpan((y * 256 + 80) * 3, 16 * 3).Clear();

        var f = FidelityMeasure.Measure(source, decoded, tileSize: 64);
        Assert.True(f.MsSsim > 0.9 && f.WorstTileMsSsim < 0.9, $"{f}");
        Assert.True(f.WorstTilePsnr < f.Psnr - 10, $"{f}");

        var floor = new QualityFloor(MinMsSsim: 0.9, MinPsnr: null, QualityFloor.DefaultWhen);
        var outcome = new CompressOutcome(256, 256, 16, 500, 0.06, "h", "m", "d", true, f.Psnr, f.MsSsim, f.WorstTilePsnr, f.WorstTileMsSsim);
        Assert.StartsWith("worst tile MS-SSIM", KeepOriginalPolicy.BelowFloor(floor, outcome));
    }

    [Fact]
    public void Larger_is_on_by_default_and_a_floor_implies_verify()
    {
        var legacy = Item(null); // queued before floors existed
        Assert.StartsWith("larger:", KeepOriginalPolicy.AfterCompressing(legacy, 400, 400, Outcome(30, 0.95, 28, 0.9)));
        Assert.Null(KeepOriginalPolicy.AfterCompressing(legacy, 401, 400, Outcome(30, 0.95, 28, 0.9)));
        Assert.False(KeepOriginalPolicy.MustVerify(legacy));
        Assert.True(KeepOriginalPolicy.MustVerify(Item(new QualityFloor(null, 30, QualityFloor.DefaultWhen))));
        Assert.Null(KeepOriginalPolicy.AfterCompressing(Item(new QualityFloor(null, null, KeepOriginalWhen.Never)), 100, 400, Outcome(30, 0.95, 28, 0.9)));
    }

    [Fact]
    public void Below_the_floor_keeps_the_original_or_fails_as_the_job_says()
    {
        var floor = new QualityFloor(MinMsSsim: null, MinPsnr: 30, QualityFloor.DefaultWhen);
        Assert.Equal("belowFloor: worst tile PSNR 27.5 dB < 30 dB",
            KeepOriginalPolicy.AfterCompressing(Item(floor), 1000, 400, Outcome(31, 0.97, 27.5, 0.9)));
        Assert.Null(KeepOriginalPolicy.AfterCompressing(Item(floor), 1000, 400, Outcome(31, 0.97, 30.5, 0.9)));
        var strict = floor with { When = KeepOriginalWhen.Larger };
        var e = Assert.Throws<CodecInputException>(() => KeepOriginalPolicy.AfterCompressing(Item(strict), 1000, 400, Outcome(29, 0.97, 28, 0.9)));
        Assert.Contains("below the quality floor: PSNR 29 dB < 30 dB", e.Message);
    }

    [Theory]
    [InlineData("larger", KeepOriginalWhen.Larger)]
    [InlineData("belowFloor", KeepOriginalWhen.BelowFloor)]
    [InlineData("larger,belowFloor", KeepOriginalWhen.Larger | KeepOriginalWhen.BelowFloor)]
    [InlineData("never", KeepOriginalWhen.Never)]
    public void KeepOriginalWhen_parses_its_documented_forms(string text, KeepOriginalWhen expected)
    {
        Assert.True(QualityFloor.TryParseWhen(text, out var when));
        Assert.Equal(expected, when);
        Assert.False(QualityFloor.TryParseWhen("sometimes", out _));
        Assert.NotNull(QualityFloor.Check(1.2, null));
        Assert.NotNull(QualityFloor.Check(null, 0));
        Assert.Null(QualityFloor.Check(0.95, 32));
    }
}
