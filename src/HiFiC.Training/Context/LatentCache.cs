using HiFiC.Codec.Networks;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training.Context;

/// <summary>
/// The frozen transforms' view of the training photos, computed once: for random crops (with
/// flips) at several rates t, the gain-scaled latent y and the hyperprior's mean and raw scale
/// for its z-hat. The context networks train on these alone, so a step costs a few small convs
/// instead of the encoder. File: "HFLC", record count, C, H, W, then float32 records [3][C][H][W]
/// (y, hyper mean, hyper raw scale), crop-major (all rates of one crop together).
/// </summary>
public sealed class LatentCache
{
    private const uint Magic = 0x434C4648; // "HFLC"
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int RatesPerCrop { get; }
    /// <summary>[N,3,C,H,W] float32.</summary>
    public Tensor Records { get; }

    private LatentCache(Tensor records, int ratesPerCrop)
    {
        Records = records;
        Count = (int)records.shape[0]; Channels = (int)records.shape[2]; Height = (int)records.shape[3]; Width = (int)records.shape[4];
        RatesPerCrop = ratesPerCrop;
    }

    public static void Build(HificModel model, TrainingData data, string path, int crops, int crop, double[] rates, int seed, ILogger log, CancellationToken ct)
    {
        var rng = new Random(seed);
        const int batch = 8;
        var tmp = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        int c = model.Preset.LatentChannels, h = crop / 16, w = crop / 16;
        int written = 0;
        using (var file = new BinaryWriter(File.Create(tmp)))
        {
            file.Write(Magic); file.Write(0); file.Write(c); file.Write(h); file.Write(w); file.Write(rates.Length);
            using var noGrad = no_grad();
            for (int done = 0; done < crops; done += batch)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int n = Math.Min(batch, crops - done);
                var x = data.Batch(n, crop, rng);
                var yRaw = model.Analyze(x);
                var perRate = rates.Select(t =>
                {
                    var y = yRaw * model.Gains.Gain(t);
                    var z = model.Hyperprior.Analysis.forward(y).round();
                    var mean = model.Hyperprior.MeanSynthesis.forward(z);
                    var raw = model.Hyperprior.ScaleSynthesis.forward(z);
                    return stack([y, mean, raw], 1).contiguous().data<float>().ToArray();
                }).ToArray();
                int record = 3 * c * h * w;
                for (int i = 0; i < n; i++)
                    foreach (var values in perRate)
                    {
                        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * record, record)));
                        written++;
                    }
                log.LogInformation("latent cache: {Done}/{Crops} crops", done + n, crops);
            }
            file.Seek(4, SeekOrigin.Begin);
            file.Write(written);
        }
        File.Move(tmp, path, overwrite: true);
    }

    public static LatentCache Load(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        if (r.ReadUInt32() != Magic) throw new InvalidDataException($"{path} is not a latent cache");
        int n = r.ReadInt32(), c = r.ReadInt32(), h = r.ReadInt32(), w = r.ReadInt32(), rates = r.ReadInt32();
        var records = empty([n, 3, c, h, w]);
        int record = 3 * c * h * w;
        const int chunk = 64;
        var bytes = new byte[chunk * record * 4];
        for (int i = 0; i < n; i += chunk)
        {
            int m = Math.Min(chunk, n - i);
            r.BaseStream.ReadExactly(bytes, 0, m * record * 4);
            var floats = new float[m * record];
            Buffer.BlockCopy(bytes, 0, floats, 0, m * record * 4);
            using var t = tensor(floats, [m, 3, c, h, w]);
            records.narrow(0, i, m).copy_(t);
        }
        return new LatentCache(records, rates);
    }
}
