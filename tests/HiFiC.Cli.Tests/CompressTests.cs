using HiFiC.Cli.Files;

namespace HiFiC.Cli.Tests;

public sealed class CompressTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void A_file_compresses_beside_itself_and_decompresses_to_a_png_of_the_same_size()
    {
        var png = TestImages.Png(In("photo.png"), 100, 70);

        var compress = Run("compress", png);
        Assert.True(compress.ExitCode == 0, compress.ToString());
        Assert.True(File.Exists(In("photo.hific")), compress.ToString());
        Assert.Contains("bpp", compress.Out);

        var decompress = Run("decompress", In("photo.hific"), "-o", In("restored.png"));
        Assert.True(decompress.ExitCode == 0, decompress.ToString());
        Assert.Equal((100, 70), TestImages.Size(In("restored.png")));
    }

    [Fact]
    public void Verbose_names_whether_the_TorchSharp_Scalar_quarantine_is_on()
    {
        var png = TestImages.Png(In("photo.png"), 32, 32);
        var compress = Run("compress", png, "--verbose", "-o", In("verbose.hific"));
        Assert.True(compress.ExitCode == 0, compress.ToString());
        // The status the process really has (on with its path, or off and why), not a fixed string.
        Assert.Contains($"TorchSharp Scalar quarantine {HiFiC.Codec.Networks.TorchScalarQuarantine.Status}", compress.Err);
        Assert.DoesNotContain("Scalar quarantine", Run("compress", png, "-o", In("quiet.hific")).Err);
    }

    [Fact]
    public void Refine_writes_a_file_the_plain_decoder_reads_and_bad_step_counts_are_usage_errors()
    {
        var png = TestImages.Png(In("photo.png"), 64, 64);
        var compress = Run("compress", png, "--refine", "3", "-o", In("refined.hific"));
        Assert.True(compress.ExitCode == 0, compress.ToString());
        var decompress = Run("decompress", In("refined.hific"), "-o", In("refined.png"));
        Assert.True(decompress.ExitCode == 0, decompress.ToString());
        Assert.Equal((64, 64), TestImages.Size(In("refined.png")));

        var negative = Run("compress", png, "--refine", "-1", "-o", In("x.hific"));
        Assert.Equal(ExitCodes.Usage, negative.ExitCode);
        Assert.Contains("--refine", negative.Err);
        Assert.False(File.Exists(In("x.hific")));
    }

    [Fact]
    public void Effort_levels_refine_report_the_guard_and_refuse_unknown_levels_or_a_step_count_beside_them()
    {
        var png = TestImages.Png(In("photo.png"), 64, 64);
        var balanced = Run("compress", png, "--effort", "balanced", "-o", In("balanced.hific"));
        Assert.True(balanced.ExitCode == 0, balanced.ToString());
        // The console may wrap the line: compare with whitespace collapsed.
        Assert.Contains("refinement steps, plain latent kept in", System.Text.RegularExpressions.Regex.Replace(balanced.Out, @"\s+", " "));
        Assert.True(Run("decompress", In("balanced.hific"), "-o", In("balanced.png")).ExitCode == 0);

        var fast = Run("compress", png, "--effort", "fast", "-o", In("fast.hific"));
        Assert.True(fast.ExitCode == 0, fast.ToString());
        Assert.DoesNotContain("refinement steps", fast.Out);

        var unknown = Run("compress", png, "--effort", "turbo", "-o", In("x.hific"));
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("--effort", unknown.Err);
        var both = Run("compress", png, "--effort", "max", "--refine", "3", "-o", In("y.hific"));
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("not both", both.Err);
        Assert.False(File.Exists(In("x.hific")) || File.Exists(In("y.hific")));
    }

    [Fact]
    public void A_quality_target_reports_the_chosen_rate_per_file_and_the_distribution_and_refuses_a_rate_beside_it()
    {
        TestImages.Png(In("in", "a.png"), 64, 64, seed: 1);
        TestImages.Png(In("in", "b.png"), 80, 48, seed: 2);
        var run = Run("compress", In("in"), "-o", In("out"), "--target-msssim", "0.5");
        Assert.True(run.ExitCode == 0, run.ToString());
        var text = System.Text.RegularExpressions.Regex.Replace(run.Out, @"\s+", " ");
        Assert.Contains("Rate t =", text);        // the summary's distribution of chosen rates
        Assert.Contains("Target missed", text);
        Assert.True(Run("decompress", In("out", "a.hific"), "-o", In("a.png")).ExitCode == 0);

        var single = Run("compress", In("in", "a.png"), "-o", In("one.hific"), "--target-msssim", "0.5");
        Assert.True(single.ExitCode == 0, single.ToString());
        Assert.Contains("rate t =", System.Text.RegularExpressions.Regex.Replace(single.Out, @"\s+", " "));

        var both = Run("compress", In("in", "a.png"), "--target-msssim", "0.9", "--rate", "1", "-o", In("x.hific"));
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("--target-msssim", both.Err);
        var outside = Run("compress", In("in", "a.png"), "--target-msssim", "1.5", "-o", In("y.hific"));
        Assert.Equal(ExitCodes.Usage, outside.ExitCode);
        Assert.False(File.Exists(In("x.hific")) || File.Exists(In("y.hific")));
    }

    [Fact]
    public void A_folder_batch_goes_on_after_bad_files_names_them_and_exits_1()
    {
        TestImages.Png(In("in", "a.png"), 64, 64, seed: 1);
        TestImages.Png(In("in", "sub", "b.png"), 80, 48, seed: 2);
        TestImages.TruncatedPng(In("in", "broken.png"), 64, 64);
        TestImages.Text(In("in", "sub", "fake.jpg"), "not a jpeg at all");
        TestImages.Text(In("in", "notes.txt"), "ignored: not an image extension");
        var before = Snapshot(In("in"));

        var run = Run("compress", In("in"), "-o", In("out"));

        Assert.True(run.ExitCode == ExitCodes.InputsFailed, run.ToString());
        Assert.True(File.Exists(In("out", "a.hific")), run.ToString());
        Assert.True(File.Exists(In("out", "sub", "b.hific")), run.ToString());
        Assert.False(File.Exists(In("out", "broken.hific")));
        Assert.False(File.Exists(In("out", "sub", "fake.hific")));
        Assert.Contains("broken.png", run.Err);
        Assert.Contains(Path.Combine("sub", "fake.jpg"), run.Err);
        Assert.DoesNotContain("   at ", run.Err); // one line per failure, no stack traces
        // The summary table: 4 images taken, 2 done, 2 failed, the text file ignored.
        Assert.Contains("Failed", run.Out);
        Assert.Contains("Mean bpp", run.Out);
        Assert.Contains("MP/s", run.Out);
        var after = Snapshot(In("in"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (path, bytes) in before) Assert.Equal(bytes, after[path]);
        Assert.Empty(Directory.EnumerateFiles(Work, "*" + AtomicFile.PartialSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public void An_existing_output_is_never_replaced_without_overwrite()
    {
        var png = TestImages.Png(In("a.png"), 64, 64);
        File.WriteAllText(In("a.hific"), "precious");

        var refused = Run("compress", png);
        Assert.True(refused.ExitCode == ExitCodes.InputsFailed, refused.ToString());
        Assert.Contains("already exists", refused.Err);
        Assert.Contains("--overwrite", refused.Err);
        Assert.Equal("precious", File.ReadAllText(In("a.hific")));

        var replaced = Run("compress", png, "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.NotEqual("precious", File.ReadAllText(In("a.hific")));
    }

    [Fact]
    public void Output_equal_to_the_input_is_refused()
    {
        var png = TestImages.Png(In("a.png"), 64, 64);
        var before = File.ReadAllBytes(png);
        var run = Run("compress", png, "-o", png, "--overwrite");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(png));
    }

    [Fact]
    public void Same_named_images_of_two_formats_keep_apart()
    {
        TestImages.Png(In("in", "x.png"), 64, 64, seed: 1);
        using (var img = SixLabors.ImageSharp.Image.Load(In("in", "x.png"))) SixLabors.ImageSharp.ImageExtensions.SaveAsBmp(img, In("in", "x.bmp"));

        var run = Run("compress", In("in"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(In("in", "x.png.hific")));
        Assert.True(File.Exists(In("in", "x.bmp.hific")));
    }

    [Fact]
    public void A_missing_model_is_named_with_the_search_path_and_exits_3()
    {
        var png = TestImages.Png(In("a.png"), 64, 64);
        var run = Run("compress", png, "--model", "no-such-model");
        Assert.Equal(ExitCodes.Model, run.ExitCode);
        Assert.Contains("Model 'no-such-model' not found", run.Err);
        Assert.Contains(Models.Root, run.Err);
        Assert.False(File.Exists(In("a.hific")));
    }

    [Fact]
    public async Task A_cancelled_run_leaves_no_output()
    {
        TestImages.Png(In("in", "a.png"), 64, 64);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var run = await RunAsync(cts.Token, "compress", In("in"));

        Assert.Equal(ExitCodes.Cancelled, run.ExitCode);
        Assert.Single(Directory.EnumerateFiles(In("in")));
    }

    [Theory]
    [InlineData("--rate", "mi", "--bpp", "0.3")]
    [InlineData("--rate", "ultra")]
    [InlineData("--rate", "7")]
    [InlineData("--tile", "100")]
    [InlineData("--bpp", "-1")]
    public void Contradictory_or_impossible_settings_are_usage_errors(params string[] options)
    {
        var png = TestImages.Png(In("a.png"), 64, 64);
        var run = Run(["compress", png, .. options]);
        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.False(File.Exists(In("a.hific")));
    }

    [Fact]
    public void A_missing_input_is_a_usage_error()
    {
        var run = Run("compress", In("nothing-here.png"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("No such file or folder", run.Err);
    }

    [Fact]
    public void Rate_names_and_bpp_targets_choose_different_sizes()
    {
        var png = TestImages.Png(In("a.png"), 128, 128);
        Assert.Equal(0, Run("compress", png, "-o", In("lo.hific"), "--rate", "lo").ExitCode);
        Assert.Equal(0, Run("compress", png, "-o", In("hi.hific"), "--rate", "2").ExitCode);
        Assert.Equal(0, Run("compress", png, "-o", In("bpp.hific"), "--bpp", "0.14").ExitCode);
        Assert.Equal(File.ReadAllBytes(In("lo.hific")), File.ReadAllBytes(In("bpp.hific")));
        Assert.NotEqual(File.ReadAllBytes(In("lo.hific")), File.ReadAllBytes(In("hi.hific")));
    }
}
