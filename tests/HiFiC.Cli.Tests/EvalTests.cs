using System.Text.Json;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Tests;

public sealed class EvalTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void Eval_writes_a_table_and_json_with_every_field_per_image()
    {
        TestImages.Png(In("set", "a.png"), 64, 64, seed: 1);
        TestImages.Png(In("set", "b.png"), 96, 64, seed: 2);
        TestImages.Png(In("set", "c.png"), 64, 64, seed: 3);

        var run = Run("eval", In("set"), "--json", In("report.json"), "--limit", "2", "--rate", "lo");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("MS-SSIM", run.Out);
        Assert.Contains("mean of 2", run.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(In("report.json")));
        var root = doc.RootElement;
        Assert.Equal(ModelRegistry.DefaultModelId, root.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(0, root.GetProperty("rate").GetDouble());
        var images = root.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["a.png", "b.png"], images.Select(i => i.GetProperty("file").GetString()));
        foreach (var image in images)
        {
            foreach (var field in new[] { "bytes", "bpp", "estimatedBpp", "msSsim", "encodeSeconds", "decodeSeconds" })
                Assert.True(image.GetProperty(field).GetDouble() > 0, field);
            Assert.Equal(JsonValueKind.Number, image.GetProperty("psnr").ValueKind);
            Assert.True(image.GetProperty("latentHashMatch").GetBoolean());
            // bpp is the real file size.
            Assert.Equal(image.GetProperty("bytes").GetDouble() * 8 / (image.GetProperty("width").GetDouble() * image.GetProperty("height").GetDouble()),
                image.GetProperty("bpp").GetDouble(), 9);
        }
        Assert.True(root.GetProperty("mean").GetProperty("bpp").GetDouble() > 0);
        Assert.Empty(root.GetProperty("failures").EnumerateArray());
    }

    [Fact]
    public void A_bad_image_is_a_failure_in_the_json_and_exit_1()
    {
        TestImages.Png(In("set", "a.png"), 64, 64);
        TestImages.Text(In("set", "b.png"), "nope");

        var run = Run("eval", In("set"), "--json", In("report.json"));

        Assert.Equal(ExitCodes.InputsFailed, run.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(In("report.json")));
        var failure = Assert.Single(doc.RootElement.GetProperty("failures").EnumerateArray());
        Assert.Equal("b.png", failure.GetProperty("file").GetString());
        Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
    }
}
