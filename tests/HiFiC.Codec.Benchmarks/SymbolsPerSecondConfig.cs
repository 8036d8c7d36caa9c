using BenchmarkDotNet.Configs;

namespace HiFiC.Codec.Benchmarks;

/// <summary>The default config plus a throughput column for per-symbol benchmarks.</summary>
public sealed class SymbolsPerSecondConfig : ManualConfig
{
    public SymbolsPerSecondConfig() => AddColumn(new SymbolsPerSecondColumn());
}
