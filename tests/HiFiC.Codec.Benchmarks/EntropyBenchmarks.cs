using BenchmarkDotNet.Attributes;
using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// rANS throughput, the single-state coder of format version 1 (Single) against the interleaved
/// one of version 2, decoded by the decoder version 2 shipped with (InterleavedBaseline) and by
/// today's (Interleaved; <see cref="DecoderVariant"/>), side by side in one run, on three workloads of 1 M symbols:
/// the synthetic latent-like mix of `hific bench`, and the real streams of the sample photo
/// B01_flower as coded by hific-lite and by hific-lite-ctx (<see cref="RealLatentWorkload"/>).
/// Each operation is one symbol, so Mean is time per symbol and the extra column gives millions
/// of symbols per second.
/// </summary>
[Config(typeof(SymbolsPerSecondConfig))]
[MemoryDiagnoser]
public class EntropyBenchmarks
{
    public const int SymbolCount = 1_000_000;

    private EntropyWorkload _workload = null!;
    private byte[][] _streams = null!;
    private int[][] _decoded = null!;

    [Params("synthetic", "lite-flower", "lite-ctx-flower")]
    public string Workload { get; set; } = "synthetic";

    [Params(DecoderVariant.Single, DecoderVariant.InterleavedBaseline, DecoderVariant.Interleaved)]
    public DecoderVariant Decoder { get; set; }

    private RansStreamLayout Layout => Decoder.Layout();

    [GlobalSetup]
    public void Setup()
    {
        _workload = EntropyWorkload.Load(Workload, SymbolCount);
        _streams = _workload.Streams.Select(s => RansCoder.Encode(s.Values, s.Indices, s.Tables, Layout)).ToArray();
        _decoded = _workload.Streams.Select(s => new int[s.Values.Length]).ToArray();
        Decode();
        for (int k = 0; k < _decoded.Length; k++)
        {
            if (!_decoded[k].AsSpan().SequenceEqual(_workload.Streams[k].Values))
                throw new InvalidOperationException($"{Workload}/{Decoder}: stream {k} does not round-trip");
        }
    }

    [Benchmark(OperationsPerInvoke = SymbolCount)]
    public int Encode()
    {
        int bytes = 0;
        foreach (var s in _workload.Streams) bytes += RansCoder.Encode(s.Values, s.Indices, s.Tables, Layout).Length;
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = SymbolCount)]
    public int Decode()
    {
        var streams = _workload.Streams;
        for (int k = 0; k < streams.Count; k++) Decoder.Decode(_streams[k], streams[k].Indices, streams[k].Tables, _decoded[k]);
        return _decoded[^1][^1];
    }
}
