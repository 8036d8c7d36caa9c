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

    [Fact]
    public void Bench_scale_refuses_bad_settings_before_touching_storage()
    {
        // The run itself needs Azure Storage and minutes: docs/operations.md, "Scale run".
        Assert.Equal(ExitCodes.Usage, Run("bench", "scale", "--images", "1", "--connection", "UseDevelopmentStorage=true").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("bench", "scale", "--coordinators", "65", "--connection", "UseDevelopmentStorage=true").ExitCode);
        Assert.Equal(ExitCodes.Usage, Run("bench", "scale", "--preset", "huge", "--connection", "UseDevelopmentStorage=true").ExitCode);
        var none = Run("bench", "scale", "--connection", " ");
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Contains("--connection", none.Err);
    }
}
