using HiFiC.Codec.Models;

namespace HiFiC.Cli.Tests;

public sealed class ModelsTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void List_shows_the_installed_model_with_its_digest_and_folder()
    {
        var run = Run("models", "list");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(ModelRegistry.DefaultModelId, run.Out);
        Assert.Contains("tiny", run.Out);
        Assert.Contains(Models.Model.Digest[..12], run.Out);
        Assert.Contains("lo 0.140", run.Out);
    }

    [Fact]
    public void Info_shows_the_card_files_and_parameters_per_part()
    {
        var run = Run("models", "info", ModelRegistry.DefaultModelId);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(Models.Model.Digest, run.Out);
        Assert.Contains("weights.bin", run.Out);
        foreach (var part in new[] { "encoder", "hyperprior", "generator", "total (codec)" }) Assert.Contains(part, run.Out);
        long total = Models.Model.Network.ParameterCount(Models.Model.Network);
        Assert.Contains(total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), run.Out);
    }

    [Fact]
    public void Info_on_an_unknown_model_exits_3()
    {
        var run = Run("models", "info", "nope");
        Assert.Equal(ExitCodes.Model, run.ExitCode);
        Assert.Contains("not found", run.Err);
    }
}
