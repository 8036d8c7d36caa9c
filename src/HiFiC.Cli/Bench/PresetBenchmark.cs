using System.Diagnostics;
using HiFiC.Cli.ModelInfo;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Cli.Bench;

/// <summary>
/// Times one preset with seeded random weights: the arithmetic per pixel does not depend on the
/// weights' values, so the speeds hold for trained models (file size and quality do not).
/// Every measurement is the best of Repeat runs after one warm-up run, which absorbs one-off
/// costs (libtorch kernel selection, table lookups being built).
/// </summary>
public sealed class PresetBenchmark(int size, int tileSize, int repeat)
{
    public PresetBench Run(HificPreset preset, CancellationToken ct)
    {
        var image = BenchImage.Create(size, size);
        double megapixels = size * (double)size / 1e6;
        using var codec = CodecModel.FromNetwork(HificModel.CreateSeeded(preset, 1), "bench-" + preset.Name);
        var encoder = new HificEncoder(codec);
        var decoder = new HificDecoder(codec);
        var options = new CompressOptions { Rate = (preset.RateLevels - 1) / 2.0, TileSize = tileSize };

        byte[] file = [];
        double encode = Best(() =>
        {
            var ms = new MemoryStream();
            encoder.Compress(image, ms, options, ct);
            file = ms.ToArray();
        }, ct);
        double decode = Best(() => decoder.Decompress(new MemoryStream(file), null, ct), ct);

        double analyze, synthesize;
        using (no_grad())
        using (var x = TensorImage.ToTensor(image.Rgb).to(codec.Device))
        using (var latent = codec.Network.Analyze(x).round())
        {
            analyze = Best(() => { using var scope = NewDisposeScope(); codec.Network.Analyze(x); }, ct);
            synthesize = Best(() => { using var scope = NewDisposeScope(); codec.Network.Synthesize(latent, options.Rate); }, ct);
        }
        long parameters = ParameterCounts.Total(ParameterCounts.Of(codec.Network));
        return new PresetBench(preset.Name, parameters, megapixels / encode, megapixels / decode, megapixels / analyze, megapixels / synthesize,
            encode, decode, file.LongLength, PeakRssMegabytes());
    }

    private double Best(Action action, CancellationToken ct)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    /// <summary>The process's high-water mark (VmHWM on Linux): libtorch's native memory included.</summary>
    public static double PeakRssMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
