using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.Evaluation;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Evaluation.Tests;

public sealed class RdBenchmarkTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("hific-rdbench-").FullName;
    private readonly CodecModel tiny = CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 1), "tiny");

    public void Dispose()
    {
        tiny.Dispose();
        Directory.Delete(root, true);
    }

    private string MakeImages()
    {
        var dir = Path.Combine(root, "images");
        Directory.CreateDirectory(dir);
        var rng = new Random(7);
        for (int n = 0; n < 2; n++)
        {
            using var img = new Image<Rgb24>(64, 64);
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++)
                    img[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 3 + n * 40), (byte)(128 + 60 * Math.Sin((x + y) / 5.0) + rng.Next(8)));
            img.SaveAsPng(Path.Combine(dir, $"img{n}.png"));
        }
        File.WriteAllText(Path.Combine(dir, "readme.txt"), "not an image");
        return dir;
    }

    private RdBenchmarkOptions Options(string images) => new()
    {
        ImageDir = images, OutDir = Path.Combine(root, "report"), Codecs = [], LoadedModels = [tiny], ModelRates = [0, 1, 2, 7],
        CropSize = 32, Threads = 2,
    };

    [Fact]
    public async Task Without_external_tools_a_model_and_a_custom_codec_give_every_point_and_every_output()
    {
        var options = Options(MakeImages()) with { AdditionalCodecs = [new FakeCodec("fake", RdPoint.ClassicKind, [2, 3, 4, 5, 6])] };

        var summary = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(2, summary.Images);
        Assert.Empty(summary.Failures);
        // Rate 7 is beyond the tiny model's range (-0.5..2.5) and is skipped.
        Assert.Equal(2 * (3 + 5), summary.Points.Count);
        Assert.Equal(["img0", "img1"], summary.Points.Select(p => p.Image).Distinct());
        Assert.All(summary.Points, p => Assert.Equal(p.Bytes * 8.0 / (64 * 64), p.Bpp, 12));
        Assert.Contains(summary.BdRates, e => e.Test == "tiny" && e.Anchor == "fake" && e.Metric == BdRateEntry.Psnr);
        foreach (var name in new[] { RdReport.MarkdownFile, RdReport.PointsFile, RdReport.CurvesFile, RdReport.BdRateFile,
                                     RdPlots.PsnrFile, RdPlots.MsSsimFile, CropSheet.ImageFile, CropSheet.LegendFile })
            Assert.True(File.Exists(Path.Combine(options.OutDir, name)), name);
        // Original + tiny + fake in one row of 32 px crops under 54 px labels, 6 px gaps.
        var info = Image.Identify(Path.Combine(options.OutDir, CropSheet.ImageFile));
        Assert.Equal((3 * 32 + 4 * 6, 54 + 32 + 2 * 6), (info.Width, info.Height));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(options.OutDir, CropSheet.LegendFile)).Length);
    }

    [Fact]
    public async Task Refinement_adds_a_curve_of_its_own_at_its_own_rates()
    {
        var options = Options(MakeImages()) with { RefineSteps = [2], RefineRates = [1], RefineTileSize = 64, ModelRates = [0, 1] };
        var summary = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Empty(summary.Failures);
        Assert.Equal([0.0, 1.0], summary.Points.Where(p => p.Codec == "tiny" && p.Image == "img0").Select(p => p.Setting));
        var refined = Assert.Single(summary.Points, p => p.Codec == "tiny+refine2" && p.Image == "img0");
        Assert.Equal((RdPoint.LearnedKind, 1.0), (refined.Kind, refined.Setting));
        Assert.Contains("2 refinement steps", File.ReadAllText(Path.Combine(options.OutDir, RdReport.MarkdownFile)));
    }

    [Fact]
    public async Task Several_step_counts_give_a_curve_each_and_the_guards_choices_per_point()
    {
        var options = Options(MakeImages()) with { RefineSteps = [2, 3], RefineRates = [1], RefineTileSize = 64, ModelRates = [1], MaxImages = 1 };
        var summary = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Empty(summary.Failures);
        foreach (var name in new[] { "tiny+refine2", "tiny+refine3" })
        {
            var p = Assert.Single(summary.Points, p => p.Codec == name);
            // One tile per 64 px tile of the image; the guard kept the plain latent in some of them or none.
            Assert.Equal(new HiFiC.Codec.Coding.TileLayout(p.Width, p.Height, 64).Count, p.RefinedTiles);
            Assert.InRange(p.TilesKeptPlain, 0, p.RefinedTiles);
        }
        Assert.Equal(0, Assert.Single(summary.Points, p => p.Codec == "tiny").RefinedTiles);
        var md = File.ReadAllText(Path.Combine(options.OutDir, RdReport.MarkdownFile));
        Assert.Contains("Kept step 0", md);
        Assert.Contains("### Gain per second, by steps", md);
        Assert.Contains("| 3 |", md);
        var csv = File.ReadAllLines(Path.Combine(options.OutDir, RdReport.PointsFile));
        Assert.EndsWith("refined_tiles,tiles_kept_plain", csv[0]);
    }

    [Fact]
    public async Task The_model_rate_is_the_size_of_the_real_hific_file()
    {
        var images = MakeImages();
        var summary = await RdBenchmark.RunAsync(Options(images) with { MaxImages = 1, ModelRates = [0.5] }, NullLogger.Instance, CancellationToken.None);

        var point = Assert.Single(summary.Points);
        using var file = new MemoryStream();
        new HificEncoder(tiny).Compress(ImageIO.Load(Path.Combine(images, "img0.png")), file, new CompressOptions { Rate = 0.5 });
        Assert.Equal(file.Length, point.Bytes);
        Assert.Equal(("tiny", RdPoint.LearnedKind, "t", 0.5), (point.Codec, point.Kind, point.SettingName, point.Setting));
    }

    [RequiresToolFact("cjpeg", "djpeg")]
    public async Task JPEG_end_to_end_counts_the_jpeg_file_and_improves_with_quality()
    {
        var images = MakeImages();
        var options = Options(images) with
        {
            Codecs = ["jpeg"], Sweeps = new Dictionary<string, IReadOnlyList<double>> { ["jpeg"] = [20, 50, 90] },
            CropSheetImage = "img1", ModelRates = [1],
        };

        var summary = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);

        Assert.Empty(summary.Failures);
        var jpeg = summary.Points.Where(p => p.Codec == "jpeg" && p.Image == "img0").OrderBy(p => p.Setting).ToList();
        Assert.Equal([20.0, 50, 90], jpeg.Select(p => p.Setting));
        Assert.True(jpeg[0].Bpp < jpeg[1].Bpp && jpeg[1].Bpp < jpeg[2].Bpp);
        Assert.True(jpeg[0].Psnr < jpeg[2].Psnr && jpeg[2].Psnr > 30, $"q90 PSNR {jpeg[2].Psnr}");

        // The same bytes as cjpeg run by hand on the same pixels.
        var ppm = Path.Combine(root, "ref.ppm");
        var jpg = Path.Combine(root, "ref.jpg");
        Ppm.Write(ppm, ImageIO.Load(Path.Combine(images, "img0.png")).Rgb);
        await ExternalTool.RunAsync("cjpeg", ["-quality", "50", "-optimize", "-outfile", jpg, ppm], CancellationToken.None);
        Assert.Equal(new FileInfo(jpg).Length, jpeg[1].Bytes);

        Assert.Contains(summary.BdRates, e => e.Test == "tiny" && e.Anchor == "jpeg");
        Assert.Contains("img1", File.ReadAllText(Path.Combine(options.OutDir, CropSheet.LegendFile)));
    }

    [RequiresToolFact("cjpeg", "djpeg")]
    public async Task A_second_run_reuses_cached_classic_points_until_the_pixels_or_the_command_change()
    {
        var images = MakeImages();
        var cacheDir = Path.Combine(root, "cache");
        var options = Options(images) with
        {
            Codecs = ["jpeg"], Sweeps = new Dictionary<string, IReadOnlyList<double>> { ["jpeg"] = [20, 50] },
            ModelRates = [1], CacheDir = cacheDir,
        };
        var first = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0, first.ReusedPoints);

        File.AppendAllText(Path.Combine(cacheDir, RdPointCache.FileName), "garbage line\nabc\t1\t2\n");
        var second = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(4 + 2, second.ReusedPoints); // jpeg's and the tiny model's
        Assert.Equal(first.Points.Select(p => (p.Image, p.Codec, p.Setting, p.Bytes, p.Psnr, p.MsSsim)),
                     second.Points.Select(p => (p.Image, p.Codec, p.Setting, p.Bytes, p.Psnr, p.MsSsim)));
        Assert.Contains("reused from earlier runs", File.ReadAllText(Path.Combine(options.OutDir, RdReport.MarkdownFile)));

        // A new setting and a changed image are measured; the rest is reused.
        using (var img = Image.Load<Rgb24>(Path.Combine(images, "img1.png")))
        {
            img[3, 3] = new Rgb24(1, 2, 3);
            img.SaveAsPng(Path.Combine(images, "img1.png"));
        }
        var third = await RdBenchmark.RunAsync(options with { Sweeps = new Dictionary<string, IReadOnlyList<double>> { ["jpeg"] = [20, 50, 70] } },
            NullLogger.Instance, CancellationToken.None);
        Assert.Equal(3, third.ReusedPoints); // img0: jpeg at 20 and 50, the model

        // Without a cache folder nothing is reused.
        var fresh = await RdBenchmark.RunAsync(options with { CacheDir = null }, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0, fresh.ReusedPoints);
    }

    [Fact]
    public async Task A_second_run_reuses_a_models_points_until_its_weights_or_refinement_change()
    {
        var images = MakeImages();
        var options = Options(images) with { ModelRates = [0, 2], CacheDir = Path.Combine(root, "cache") };
        var first = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0, first.ReusedPoints);
        var second = await RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(4, second.ReusedPoints);
        Assert.Equal(first.Points.Select(p => (p.Image, p.Codec, p.Setting, p.Bytes, p.Psnr, p.MsSsim)),
                     second.Points.Select(p => (p.Image, p.Codec, p.Setting, p.Bytes, p.Psnr, p.MsSsim)));

        // Other weights, or refinement, are other points.
        using var other = CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 2), "tiny");
        var otherWeights = await RdBenchmark.RunAsync(options with { LoadedModels = [other] }, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(0, otherWeights.ReusedPoints);
        var refined = await RdBenchmark.RunAsync(options with { RefineSteps = [2] }, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(4, refined.ReusedPoints); // the plain curve; the refined one is measured
        Assert.Equal(8, refined.Points.Count);
    }

    [Fact]
    public void The_cache_key_changes_with_pixels_setting_command_and_tool_version()
    {
        var jpeg = ClassicCodecs.Jpeg;
        string key = RdPointCache.Key("aa", jpeg, 50, "v1");
        Assert.Equal(key, RdPointCache.Key("aa", jpeg, 50, "v1"));
        Assert.NotEqual(key, RdPointCache.Key("ab", jpeg, 50, "v1"));
        Assert.NotEqual(key, RdPointCache.Key("aa", jpeg, 51, "v1"));
        Assert.NotEqual(key, RdPointCache.Key("aa", jpeg, 50, "v2"));
        var baseline = jpeg with { EncodeArgs = (q, i, o) => ["-quality", q.ToString(System.Globalization.CultureInfo.InvariantCulture), "-baseline", "-outfile", o, i] };
        Assert.NotEqual(key, RdPointCache.Key("aa", baseline, 50, "v1"));
    }

    [Fact]
    public void Missing_tools_are_reported_with_the_command_that_installs_them()
    {
        var codec = ClassicCodecs.Jpeg with { Encoder = "no-such-cjpeg-xyz" };
        var e = Assert.Throws<CodecToolsMissingException>(() => ClassicCodecs.EnsureInstalled([codec]));
        Assert.Contains("no-such-cjpeg-xyz", e.Message);
        Assert.Contains("scripts/install-codecs.sh", e.Message);
        Assert.Contains("apt-get install -y libjpeg-turbo-progs", e.Message);
    }

    [Fact]
    public async Task An_unknown_crop_image_fails_before_any_coding()
    {
        var options = Options(MakeImages()) with { CropSheetImage = "nope" };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => RdBenchmark.RunAsync(options, NullLogger.Instance, CancellationToken.None));
        Assert.Contains("nope", e.Message);
        Assert.False(Directory.Exists(options.OutDir));
    }

    [Fact]
    public async Task A_cancelled_run_stops_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RdBenchmark.RunAsync(Options(MakeImages()), NullLogger.Instance, cts.Token));
    }

    [Fact]
    public void Codec_names_resolve_including_the_BPG_and_HEVC_aliases()
    {
        Assert.Same(ClassicCodecs.Heic, ClassicCodecs.ByName("bpg"));
        Assert.Same(ClassicCodecs.Heic, ClassicCodecs.ByName("HEVC"));
        Assert.Same(ClassicCodecs.Avif, ClassicCodecs.ByName("avif"));
        Assert.Throws<ArgumentException>(() => ClassicCodecs.ByName("png"));
    }
}
