using HiFiC.Cli.Files;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Tests;

public sealed class DecompressTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void A_region_restores_only_that_rectangle()
    {
        var png = TestImages.Png(In("big.png"), 200, 150);
        Assert.Equal(0, Run("compress", png, "--tile", "64").ExitCode);

        var run = Run("decompress", In("big.hific"), "-o", In("part.png"), "--region", "70,20,64,50");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal((64, 50), TestImages.Size(In("part.png")));
        Assert.Contains("region 70,20,64,50 of 200x150", run.Out);
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("a,0,10,10")]
    [InlineData("0,0,0,10")]
    [InlineData("-1,0,10,10")]
    public void A_malformed_region_is_a_usage_error_with_the_expected_syntax(string region)
    {
        var run = Run("decompress", In("x.hific"), "--region", region);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("x,y,w,h", run.Err);
    }

    [Fact]
    public void A_region_outside_the_image_fails_that_file_clearly()
    {
        var png = TestImages.Png(In("a.png"), 64, 64);
        Assert.Equal(0, Run("compress", png).ExitCode);

        var run = Run("decompress", In("a.hific"), "-o", In("part.png"), "--region", "32,32,64,64");

        Assert.Equal(ExitCodes.InputsFailed, run.ExitCode);
        Assert.Contains("not inside the 64x64 image", run.Err);
        Assert.False(File.Exists(In("part.png")));
    }

    [Fact]
    public void A_truncated_file_fails_with_one_clear_line_and_leaves_no_output()
    {
        var png = TestImages.Png(In("a.png"), 128, 96);
        Assert.Equal(0, Run("compress", png).ExitCode);
        var bytes = File.ReadAllBytes(In("a.hific"));
        File.WriteAllBytes(In("a.hific"), bytes[..(bytes.Length * 2 / 3)]);

        var run = Run("decompress", In("a.hific"), "-o", In("out.png"));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("a.hific", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.False(File.Exists(In("out.png")));
        Assert.Empty(Directory.EnumerateFiles(Work, "*" + AtomicFile.PartialSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public void A_file_from_a_model_that_is_not_installed_exits_3_naming_the_model()
    {
        using var other = CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 99), "hific-other");
        var image = ImageIO.Load(TestImages.Png(In("a.png"), 64, 64));
        using (var file = File.Create(In("a.hific"))) new HificEncoder(other).Compress(image, file);

        var run = Run("decompress", In("a.hific"), "-o", In("restored.png"));

        Assert.Equal(ExitCodes.Model, run.ExitCode);
        Assert.Contains("hific-other", run.Err);
        Assert.Contains("not installed", run.Err);
        Assert.False(File.Exists(In("restored.png")));
    }

    [Fact]
    public void Forcing_the_wrong_model_is_a_mismatch_exit_3()
    {
        using var other = CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 99), "hific-other");
        var image = ImageIO.Load(TestImages.Png(In("a.png"), 64, 64));
        using (var file = File.Create(In("a.hific"))) new HificEncoder(other).Compress(image, file);

        var run = Run("decompress", In("a.hific"), "-o", In("b.png"), "--model", ModelRegistry.DefaultModelId);

        Assert.Equal(ExitCodes.Model, run.ExitCode);
        Assert.Contains("hific-other", run.Err);
        Assert.False(File.Exists(In("b.png")));
    }

    [Fact]
    public void A_folder_decompresses_into_a_mirrored_folder()
    {
        TestImages.Png(In("in", "a.png"), 64, 64);
        TestImages.Png(In("in", "sub", "b.png"), 96, 64);
        Assert.Equal(0, Run("compress", In("in"), "-o", In("packed")).ExitCode);

        var run = Run("decompress", In("packed"), "-o", In("restored"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal((64, 64), TestImages.Size(In("restored", "a.png")));
        Assert.Equal((96, 64), TestImages.Size(In("restored", "sub", "b.png")));
        Assert.Contains("PNG bytes out", run.Out);
    }
}
