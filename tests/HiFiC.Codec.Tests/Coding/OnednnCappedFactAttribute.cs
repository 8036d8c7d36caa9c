using HiFiC.Codec.Networks;

namespace HiFiC.Codec.Tests.Coding;

/// <summary>
/// A fact skipped, with the reason, where TorchRuntime.PrepareNative will not cap oneDNN: a processor
/// without AVX2 (no channel-blocked kernels to avoid), or DNNL_MAX_CPU_ISA set by the user before the
/// run. Decided at discovery from the same inputs PrepareNative reads.
/// </summary>
public sealed class OnednnCappedFactAttribute : FactAttribute
{
    public OnednnCappedFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(TorchRuntime.DnnlIsaVariable) is { } chosen)
            Skip = $"{TorchRuntime.DnnlIsaVariable}={chosen} was set before the run: oneDNN is the user's choice, not capped";
        else if (TorchRuntime.CapFor(HasAvx2(), inferenceOnly: false) is null)
            Skip = "no AVX2 on this processor: oneDNN has no channel-blocked kernels, so nothing is capped";
    }

    private static bool HasAvx2()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return false;
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
            if (line.StartsWith("flags", StringComparison.Ordinal))
                return line.Contains(" avx2", StringComparison.Ordinal);
        return false;
    }
}
