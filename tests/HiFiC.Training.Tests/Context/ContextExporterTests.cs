using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.Training.Context;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace HiFiC.Training.Tests.Context;

/// <summary>
/// A context run on a tiny model's cached latents, exported as a model: the export carries the float
/// checkpoint in &lt;model&gt;/training/run/ (what a fresh machine resumes from), small files only, and
/// a run seeded from there continues at its step. Checkerboard and joint hyperprior both on, so the
/// rebuilt tables and the version-2 context block go through a real export and load.
/// </summary>
[Collection(nameof(TrainerTests))]
public sealed class ContextExporterTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("hific-ctx-").FullName;

    public void Dispose() => Directory.Delete(root, true);

    private string MakeData()
    {
        var dir = Path.Combine(root, "data");
        Directory.CreateDirectory(dir);
        var rng = new Random(3);
        for (int n = 0; n < 3; n++)
        {
            using var img = new Image<Rgb24>(96, 96);
            for (int y = 0; y < img.Height; y++)
                for (int x = 0; x < img.Width; x++)
                    img[x, y] = new Rgb24((byte)(x * 2 + n * 40), (byte)(y * 2), (byte)rng.Next(256));
            img.SaveAsPng(Path.Combine(dir, $"img{n}.png"));
        }
        return dir;
    }

    private ContextTrainerOptions Options(string run, long steps) =>
        new(run, Slices: 2, Width: 8, Steps: steps, BatchSize: 2, LearningRate: 1e-3, CheckpointEvery: 2, LogEvery: 1, ValidateEvery: 2, Seed: 1,
            FinalLearningRate: 1e-4, DecaySteps: 4, HyperLearningRate: 1e-4, Checkerboard: true);

    [Fact]
    public void The_export_ships_the_float_checkpoint_and_a_run_seeded_from_it_resumes()
    {
        torch.random.manual_seed(2);
        using var frozen = CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 4), Path.Combine(root, "tiny"), "tiny", CodecModel.DefaultRates(HificPreset.Tiny.RateLevels),
            null, "test model");
        var data = TrainingData.Load(MakeData(), 64, 512);
        var cachePath = Path.Combine(root, "cache.bin");
        LatentCache.Build(frozen.Network, data, cachePath, crops: 10, crop: 64, rates: [0, 1], seed: 1, NullLogger.Instance, CancellationToken.None);
        var cache = LatentCache.Load(cachePath);
        var run = Path.Combine(root, "run");
        new ContextTrainer(Options(run, 3), NullLogger.Instance).Run(cache, CancellationToken.None, frozen.Network);

        var outDir = Path.Combine(root, "tiny-ctx");
        using var exported = ContextExporter.Export(frozen, run, cache, outDir, "tiny-ctx", "test");
        Assert.True(exported.Tables.Context!.Config.Checkerboard);
        // New exports code y in one stream per tile (the layout is the model's: it is in the digest).
        Assert.True(exported.Tables.Context.Config.SingleStream);
        Assert.NotEqual(frozen.Digest, exported.Digest);
        var shipped = Path.Combine(outDir, ContextExporter.RunFolder);
        foreach (var f in new[] { ContextTrainer.StateFile, ContextTrainer.WeightsFile, ContextTrainer.HyperFile, "train.csv", "valid.csv" })
        {
            var path = Path.Combine(shipped, f);
            Assert.True(File.Exists(path), $"{f} is not shipped");
            Assert.True(new FileInfo(path).Length < ContextExporter.MaxRunFileBytes);
            Assert.Equal(File.ReadAllBytes(Path.Combine(run, f)), File.ReadAllBytes(path));
        }
        // A fresh machine: a new run folder seeded from the shipped checkpoint carries on at step 3.
        var seeded = Path.Combine(root, "seeded");
        Directory.CreateDirectory(seeded);
        foreach (var f in Directory.GetFiles(shipped)) File.Copy(f, Path.Combine(seeded, Path.GetFileName(f)));
        new ContextTrainer(Options(seeded, 4), NullLogger.Instance).Run(cache, CancellationToken.None, frozen.Network);
        var state = ContextTrainer.ReadState(seeded);
        Assert.Equal(4, state.Step);
        Assert.True(state.JointHyper);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(seeded, "train.csv")).Length - 1);
    }
}
