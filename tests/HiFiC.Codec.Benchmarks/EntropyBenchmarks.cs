using BenchmarkDotNet.Attributes;
using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// rANS throughput on the same latent-like workload as `hific bench`; each operation is one
/// symbol, so Mean is time per symbol and the extra column gives millions of symbols per second.
/// </summary>
[Config(typeof(SymbolsPerSecondConfig))]
[MemoryDiagnoser]
public class EntropyBenchmarks
{
    private const int SymbolCount = 1_000_000;

    private int[] _values = null!;
    private int[] _indices = null!;
    private CdfTableSet _tables = null!;
    private byte[] _stream = null!;
    private int[] _decoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_values, _indices, _tables) = EntropyCoderBenchmark.CreateWorkload(SymbolCount);
        _stream = RansCoder.Encode(_values, _indices, _tables);
        _decoded = new int[SymbolCount];
    }

    [Benchmark(OperationsPerInvoke = SymbolCount)]
    public byte[] Encode() => RansCoder.Encode(_values, _indices, _tables);

    [Benchmark(OperationsPerInvoke = SymbolCount)]
    public int Decode()
    {
        RansCoder.Decode(_stream, _indices, _tables, _decoded);
        return _decoded[^1];
    }
}
