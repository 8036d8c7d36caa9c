using HiFiC.Codec.Networks;

namespace HiFiC.Cli.Tests;

/// <summary>
/// A real `hific` process starts itself again with glibc's malloc tunables (MallocTuning): the restart is
/// invisible to its caller (arguments, exit code, output), writes the same bits, and can be turned off.
/// </summary>
public sealed class MallocTuningTests(TestModelFolder models) : CliTestBase(models)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [GlibcFact]
    public async Task The_hific_process_restarts_itself_tuned_and_writes_the_same_bits_as_with_glibc_defaults()
    {
        var png = TestImages.Png(In("photo with space.png"), 96, 80);
        var env = new Dictionary<string, string> { ["HIFIC_MODELS"] = Models.Root };

        var tuned = await HificProcess.RunAsync(env, Timeout, "compress", png, "--refine", "3", "--threads", "1", "--verbose", "-o", In("tuned.hific"));
        Assert.True(tuned.Code == 0, tuned.Err);
        Assert.Contains($"malloc tuned ({MallocTuning.Tunables})", tuned.Err);

        var plain = await HificProcess.RunAsync(new Dictionary<string, string>(env) { [MallocTuning.OptOutVariable] = "default" }, Timeout,
            "compress", png, "--refine", "3", "--threads", "1", "--verbose", "-o", In("default.hific"));
        Assert.True(plain.Code == 0, plain.Err);
        Assert.Contains($"malloc glibc defaults ({MallocTuning.OptOutVariable}=default)", plain.Err);
        Assert.Equal(File.ReadAllBytes(In("default.hific")), File.ReadAllBytes(In("tuned.hific")));

        // A user's own tunables are theirs: no restart, named as theirs.
        var own = await HificProcess.RunAsync(new Dictionary<string, string>(env) { [MallocTuning.Variable] = "glibc.malloc.tcache_count=7" }, Timeout,
            "compress", png, "--verbose", "-o", In("own.hific"));
        Assert.True(own.Code == 0, own.Err);
        Assert.Contains($"malloc the environment's {MallocTuning.Variable}=glibc.malloc.tcache_count=7", own.Err);

        // The restarted process's exit code and messages reach the caller: a usage error is still one.
        var usage = await HificProcess.RunAsync(env, Timeout, "compress", png, "--refine", "-1");
        Assert.Equal(ExitCodes.Usage, usage.Code);
        Assert.Contains("refine", usage.Err);
    }

    [Fact]
    public void A_proc_cmdline_splits_into_the_arguments_as_given()
    {
        Assert.Equal(["dotnet", "hific.dll", "compress", "a b.png", ""],
            MallocTuning.ArgumentsOf("dotnet\0hific.dll\0compress\0a b.png\0\0"u8));
        Assert.Equal(["hific", "--version"], MallocTuning.ArgumentsOf("hific\0--version\0"u8));
        Assert.Empty(MallocTuning.ArgumentsOf([]));
        Assert.Equal(["é"], MallocTuning.ArgumentsOf("é\0"u8));
    }
}

/// <summary>Runs only on Linux, where glibc's tunables exist.</summary>
public sealed class GlibcFactAttribute : FactAttribute
{
    public GlibcFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "glibc malloc tunables exist on Linux only";
        else if (Environment.GetEnvironmentVariable(MallocTuning.Variable) is not null)
            Skip = $"{MallocTuning.Variable} is set in the test's environment: the restart would be skipped by design";
    }
}
