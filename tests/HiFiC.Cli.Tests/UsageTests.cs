namespace HiFiC.Cli.Tests;

public sealed class UsageTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void Help_lists_the_commands_and_the_exit_codes()
    {
        var run = Run("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "compress", "decompress", "eval", "models", "bench", "train" }) Assert.Contains(command, run.Out);
        Assert.Contains("Exit codes", run.Out);
    }

    [Fact]
    public void No_command_and_unknown_options_are_usage_errors()
    {
        Assert.Equal(ExitCodes.Usage, Run().ExitCode);
        var run = Run("compress", "a.png", "--fast");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--fast", run.Err);
    }
}
