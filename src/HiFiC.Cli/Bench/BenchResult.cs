namespace HiFiC.Cli.Bench;

/// <summary>
/// Speeds of one preset. Codec MP/s go through HificEncoder/HificDecoder (tiling, entropy
/// coding, container); network MP/s time Analyze/Synthesize alone, so the difference is the
/// cost of everything around the networks.
/// </summary>
public sealed record PresetBench(
    string Preset, long Parameters, double EncodeMegapixelsPerSecond, double DecodeMegapixelsPerSecond,
    double AnalyzeMegapixelsPerSecond, double SynthesizeMegapixelsPerSecond,
    double EncodeSeconds, double DecodeSeconds, long FileBytes, double PeakRssMegabytes);

public sealed record EntropyBench(int Symbols, double EncodeSymbolsPerSecond, double DecodeSymbolsPerSecond);

/// <summary>The --json document of `hific bench`.</summary>
public sealed record BenchReport(
    int Width, int Height, int TileSize, int Repeat, int Threads, IReadOnlyList<PresetBench> Presets, EntropyBench Entropy,
    double PeakRssMegabytes, string Machine, string Note, DateTime CreatedUtc);
