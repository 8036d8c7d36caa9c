using System.Text.Json;

namespace HiFiC.Cli.Tests;

public sealed class BenchTests(TestModelFolder models) : CliTestBase(models)
{
    [Fact]
    public void Bench_times_a_preset_and_the_entropy_coder()
    {
        var run = Run("bench", "--presets", "tiny", "--size", "64", "--repeat", "1", "--json", In("bench.json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("tiny", run.Out);
        Assert.Contains("Decode MP/s", run.Out);
        Assert.Contains("symbols/s", run.Out);
        Assert.Contains("random", run.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(In("bench.json")));
        var preset = Assert.Single(doc.RootElement.GetProperty("presets").EnumerateArray());
        Assert.True(preset.GetProperty("encodeMegapixelsPerSecond").GetDouble() > 0);
        Assert.True(preset.GetProperty("decodeMegapixelsPerSecond").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("entropy").GetProperty("decodeSymbolsPerSecond").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("peakRssMegabytes").GetDouble() > 0);
    }

    [Fact]
    public void An_unknown_preset_is_a_usage_error()
    {
        var run = Run("bench", "--presets", "huge", "--size", "64");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("huge", run.Err);
    }
}
