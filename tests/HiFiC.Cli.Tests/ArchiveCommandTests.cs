using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cli.Tests;

/// <summary>`hific archive compress|restore`: the cluster's embedded mode seen from the command line.</summary>
public sealed class ArchiveCommandTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void An_unknown_model_is_the_model_exit_code_and_nothing_is_written()
    {
        // The coordinator refuses it with a System exception (clients without the codec must receive it): still exit 3.
        TestImages.Png(In("photos", "a.png"), 64, 64, 1);
        var run = Run("archive", "compress", In("photos"), "--out", In("archive"), "--model", "no-such-model");
        Assert.True(run.ExitCode == ExitCodes.Model, run.ToString());
        Assert.Contains("no-such-model", run.Err);
        Assert.False(File.Exists(In("archive", "a.png.hific")));
    }

    [Fact]
    public void Compress_archives_a_folder_prints_a_summary_and_restore_gives_back_what_a_direct_decode_gives()
    {
        TestImages.Png(In("photos", "a.png"), 64, 64, 1);
        TestImages.Png(In("photos", "sub", "b.png"), 96, 64, 2);
        TestImages.Text(In("photos", "notes.txt"), "a sidecar file: skipped, not failed");
        TestImages.Text(In("photos", "fake.jpg"), "not an image");
        var before = Snapshot(In("photos"));

        var run = Run("archive", "compress", In("photos"), "--out", In("archive"), "--tile", "64");
        Assert.True(run.ExitCode == ExitCodes.InputsFailed, run.ToString()); // fake.jpg is reported, the images are done
        Assert.Contains("archive compress", run.Out);
        Assert.Contains("Ratio", run.Out);
        Assert.Contains("fake.jpg", run.Err);
        Assert.DoesNotContain("notes.txt", run.Err);
        Assert.True(File.Exists(In("archive", "a.png.hific")) && File.Exists(In("archive", "sub", "b.png.hific.json")));
        Assert.Equal(before.Keys.Order(), Snapshot(In("photos")).Keys.Order()); // originals untouched
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));

        var again = Run("archive", "compress", In("photos"), "--out", In("archive"), "--tile", "64");
        Assert.Contains("Skipped", again.Out); // a second run resumes: archived images are skipped

        var restore = Run("archive", "restore", In("archive"), "--out", In("restored"));
        Assert.True(restore.ExitCode == ExitCodes.Ok, restore.ToString());
        var direct = new HificDecoder(Models.Model).Decompress(File.OpenRead(In("archive", "sub", "b.png.hific")));
        Assert.Equal(direct.Image.Pixels, ImageIO.Load(In("restored", "sub", "b.png")).Rgb.Pixels);
        Assert.True(File.Exists(In("restored", "a.png")));

        // Another format (issue 19): the format's extension, its bytes, the same size.
        var webp = Run("archive", "restore", In("archive"), "--out", In("restored-webp"), "--format", "webp", "--quality", "70");
        Assert.True(webp.ExitCode == ExitCodes.Ok, webp.ToString());
        Assert.Equal("RIFF"u8.ToArray(), File.ReadAllBytes(In("restored-webp", "sub", "b.webp"))[..4]);
        Assert.Equal((direct.Image.Width, direct.Image.Height), TestImages.Size(In("restored-webp", "sub", "b.webp")));
        Assert.Equal(ExitCodes.Usage, Run("archive", "restore", In("archive"), "--out", In("x"), "--format", "bmp").ExitCode);
    }

    [Fact]
    public void Job_settings_the_coordinator_would_refuse_are_refused_before_anything_starts_like_hific_compress_does()
    {
        TestImages.Png(In("photos", "a.png"), 64, 64, 1);
        var tile = Run("archive", "compress", In("photos"), "--out", In("archive"), "--tile", "100");
        Assert.True(tile.ExitCode == ExitCodes.Usage, tile.ToString());
        Assert.Contains("--tile", tile.Err);
        Assert.Contains("multiple of 64", tile.Err);
        Assert.False(Directory.Exists(In("archive"))); // nothing started, nothing written
        Assert.Equal(ExitCodes.Usage, Run("compress", In("photos", "a.png"), "--tile", "100", "-o", In("a.hific")).ExitCode);

        var refine = Run("archive", "compress", In("photos"), "--out", In("archive"), "--tile", "2048", "--refine", "2");
        Assert.True(refine.ExitCode == ExitCodes.Usage, refine.ToString());
        Assert.Contains("--refine", refine.Err);
    }

    [Fact]
    public void Missing_source_or_output_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, Run("archive", "compress", In("nope"), "--out", In("x")).ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("archive", "compress", In("nope")).ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("archive", "restore", In("nope"), "--out", In("x")).ExitCode);
    }
}
