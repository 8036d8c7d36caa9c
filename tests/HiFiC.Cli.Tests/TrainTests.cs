using HiFiC.Codec.Models;

namespace HiFiC.Cli.Tests;

public sealed class TrainTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void Train_writes_checkpoints_and_export_makes_a_usable_model()
    {
        TestImages.Png(In("data", "a.png"), 128, 128, seed: 1);
        TestImages.Png(In("data", "b.png"), 128, 128, seed: 2);

        var train = Run("train", "--data", In("data"), "--out", In("run"), "--preset", "tiny", "--steps", "2", "--batch", "1",
            "--crop", "64", "--checkpoint-every", "1", "--log-every", "1", "--monitor", "none");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.True(File.Exists(In("run", "checkpoints", "latest")), train.ToString());

        var export = Run("train", "export", "--run", In("run"), "--id", "tiny-test", "--out", In("exported", "tiny-test"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(File.Exists(In("exported", "tiny-test", "model.json")));

        var png = TestImages.Png(In("a.png"), 64, 64);
        var compress = Run("compress", png, "--model", In("exported", "tiny-test"));
        Assert.True(compress.ExitCode == 0, compress.ToString());

        // Calibration rewrites the card's named rates, measured; the weights (and so the digest) stay.
        TestImages.Png(In("eval", "c.png"), 64, 64, seed: 3);
        TestImages.Png(In("eval", "d.png"), 96, 64, seed: 4);
        var card = File.ReadAllText(In("exported", "tiny-test", "model.json"));
        var calibrate = Run("train", "calibrate", In("exported", "tiny-test"), "--eval", In("eval"));
        Assert.True(calibrate.ExitCode == 0, calibrate.ToString());
        var calibrated = ModelCard.FromJson(File.ReadAllText(In("exported", "tiny-test", "model.json")), "test");
        Assert.Equal(ModelCard.FromJson(card, "test").Digest, calibrated.Digest);
        Assert.Equal(["lo", "mi", "hi"], calibrated.Rates.Select(r => r.Name));
        Assert.All(calibrated.Rates, r => Assert.True(r.EvalBpp > 0 && r.EvalPsnr > 0 && r.EvalMsSsim > 0, r.ToString()));
        Assert.All(calibrated.Rates, r => Assert.InRange(r.Rate, -0.5, 2.5));
        Assert.Contains("lo t=", calibrate.Out);
        var lo = Run("compress", png, "-o", In("lo.hific"), "--model", In("exported", "tiny-test"), "--rate", "lo");
        Assert.True(lo.ExitCode == 0, lo.ToString());
        Assert.Equal(ExitCodes.Usage, Run("train", "calibrate", In("exported", "tiny-test"), "--eval", In("no-such-eval")).ExitCode);

        File.Delete(In("run", "curves.png"));
        var plot = Run("train", "plot", "--run", In("run"));
        Assert.True(plot.ExitCode == 0, plot.ToString());
        Assert.True(new FileInfo(In("run", "curves.png")).Length > 1000);
        Assert.Equal(ExitCodes.Usage, Run("train", "plot", "--run", In("no-such-run")).ExitCode);
    }

    [Fact]
    public void Train_without_data_is_a_usage_error()
    {
        var run = Run("train", "--data", In("missing"), "--out", In("run"));
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("missing", run.Err);
    }
}
