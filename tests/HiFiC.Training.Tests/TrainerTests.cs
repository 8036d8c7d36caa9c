using HiFiC.Codec.Networks;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace HiFiC.Training.Tests;

/// <summary>
/// libtorch's thread count is process-wide and other test classes set it: running alongside them
/// would change the arithmetic between the two runs that must end with identical weights.
/// </summary>
[CollectionDefinition(nameof(TrainerTests), DisableParallelization = true)]
public sealed class TrainerTestsCollection;

[Collection(nameof(TrainerTests))]
public sealed class TrainerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("hific-train-").FullName;

    public void Dispose() => Directory.Delete(root, true);

    private string MakeData()
    {
        var dir = Path.Combine(root, "data");
        Directory.CreateDirectory(dir);
        var rng = new Random(5);
        for (int n = 0; n < 3; n++)
        {
            using var img = new Image<Rgb24>(96, 80);
            for (int y = 0; y < img.Height; y++)
                for (int x = 0; x < img.Width; x++)
                    img[x, y] = new Rgb24((byte)(x * 2 + n * 30), (byte)(y * 3), (byte)rng.Next(256));
            img.SaveAsPng(Path.Combine(dir, $"img{n}.png"));
        }
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image");
        return dir;
    }

    private TrainerOptions Options(string data, string outDir, long steps) => new()
    {
        DataDir = data, MonitorDir = null, OutDir = outDir, Preset = "tiny", Steps = steps,
        BatchSize = 2, CropSize = 64, CheckpointEvery = 2, LogEvery = 1, GanStartStep = 2, Threads = 1,
    };

    private static Dictionary<string, float[]> Weights(string runDir, bool average = false)
    {
        var model = new HificModel(HificPreset.Tiny);
        var dir = Checkpoint.Latest(runDir)!;
        if (average) model.load(Path.Combine(dir, Checkpoint.AverageFile));
        else Checkpoint.LoadInto(dir, model);
        return Values(model);
    }

    private static Dictionary<string, float[]> Values(HificModel model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(torch.ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void A_resumed_run_ends_with_exactly_the_weights_of_an_uninterrupted_one()
    {
        var data = MakeData();
        var straight = Path.Combine(root, "straight");
        var resumed = Path.Combine(root, "resumed");
        Assert.Equal(4, new Trainer(Options(data, straight, 4), NullLogger.Instance).Run(CancellationToken.None));
        Assert.Equal(2, new Trainer(Options(data, resumed, 2), NullLogger.Instance).Run(CancellationToken.None));
        Assert.Equal(4, new Trainer(Options(data, resumed, 4), NullLogger.Instance).Run(CancellationToken.None));

        foreach (bool average in new[] { false, true })
        {
            var a = Weights(straight, average);
            var b = Weights(resumed, average);
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys) Assert.Equal(a[key], b[key]);
        }
    }

    [Fact]
    public void The_checkpoint_keeps_a_moving_average_of_the_weights_and_export_ships_it()
    {
        var data = MakeData();
        var run = Path.Combine(root, "average");
        new Trainer(Options(data, run, 4) with { WeightAverageDecay = 0.5 }, NullLogger.Instance).Run(CancellationToken.None);
        var raw = Weights(run);
        var average = Weights(run, average: true);
        Assert.Contains(raw.Keys, k => !raw[k].SequenceEqual(average[k]));

        var exported = Path.Combine(root, "exported");
        using (var model = ModelExporter.Export(new ExportOptions(run, exported, "tiny-average", null, null, "test"), NullLogger.Instance, CancellationToken.None))
        {
            Assert.Contains("k_P 10, ", model.Card.Training!.Recipe);
            Assert.Contains("weight average 0.5", model.Card.Training.Recipe);
            // Shipped weights are float16: compare within its precision.
            var shipped = Values(model.Network);
            foreach (var key in average.Keys)
                for (int i = 0; i < average[key].Length; i++)
                    Assert.True(Math.Abs(shipped[key][i] - average[key][i]) <= 1e-3 * Math.Max(1, Math.Abs(average[key][i])), $"{key}[{i}]");
        }
    }

    [Fact]
    public void The_gains_learn_faster_by_their_multiplier()
    {
        var data = MakeData();
        var seeded = Values(HificModel.CreateSeeded(HificPreset.Tiny, new TrainerOptions().Seed));
        string key = seeded.Keys.Single(k => k.EndsWith("logGain"));
        double Moved(string run, double multiplier)
        {
            new Trainer(Options(data, Path.Combine(root, run), 1) with { GainLearningRateMultiplier = multiplier, GanStartStep = 100 },
                NullLogger.Instance).Run(CancellationToken.None);
            var after = Weights(Path.Combine(root, run))[key];
            return after.Zip(seeded[key], (a, b) => Math.Abs(a - b)).Max();
        }
        double slow = Moved("gains-1", 1), fast = Moved("gains-10", 10);
        // Adam's first step moves every parameter by about its learning rate.
        Assert.InRange(fast / slow, 9, 11);
    }

    [Fact]
    public void The_average_moves_by_one_minus_decay_towards_the_weights()
    {
        torch.random.manual_seed(3);
        using var model = new HificModel(HificPreset.Tiny);
        using var average = new WeightAverage(model, 0.75);
        var before = Values(average.Model);
        var weights = Values(model);
        foreach (var key in weights.Keys) Assert.Equal(weights[key], before[key]);
        using (torch.no_grad())
            foreach (var p in model.parameters()) p.add_(1.0f);
        average.Update();
        var after = Values(average.Model);
        foreach (var key in before.Keys)
            for (int i = 0; i < before[key].Length; i++)
                Assert.Equal(before[key][i] + 0.25f, after[key][i], 1e-5f);
    }

    [Fact]
    public void A_checkpoint_from_before_the_average_resumes_with_the_average_started_from_its_weights()
    {
        var data = MakeData();
        var run = Path.Combine(root, "old");
        new Trainer(Options(data, run, 2), NullLogger.Instance).Run(CancellationToken.None);
        var latest = Checkpoint.Latest(run)!;
        File.Delete(Path.Combine(latest, Checkpoint.AverageFile));
        Assert.False(Checkpoint.HasAverage(latest));
        Assert.Equal(4, new Trainer(Options(data, run, 4), NullLogger.Instance).Run(CancellationToken.None));
        Assert.True(Checkpoint.HasAverage(Checkpoint.Latest(run)!));
    }

    [Fact]
    public void A_run_logs_every_level_and_phase_and_draws_its_curves()
    {
        var data = MakeData();
        var run = Path.Combine(root, "run");
        new Trainer(Options(data, run, 4), NullLogger.Instance).Run(CancellationToken.None);
        var rows = File.ReadAllLines(Path.Combine(run, "train.csv"));
        Assert.Equal(TrainingLog.TrainHeader, rows[0]);
        Assert.Contains(rows, r => r.Split(',')[1] == "rd");
        Assert.Contains(rows, r => r.Split(',')[1] == "gan");
        Assert.True(new FileInfo(Path.Combine(run, "curves.png")).Length > 1000);
        Assert.Equal(4, Checkpoint.ReadState(Checkpoint.Latest(run)!).Step);
    }

    [Fact]
    public void Cancelling_mid_run_saves_a_checkpoint_to_resume_from()
    {
        var data = MakeData();
        var run = Path.Combine(root, "cancel");
        using var cts = new CancellationTokenSource();
        // Cancel as soon as the first step is logged: the run must stop at step 1 and keep it.
        var logger = new CallbackLogger(m => { if (m.StartsWith("step 1:")) cts.Cancel(); });
        long step = new Trainer(Options(data, run, 100) with { CheckpointEvery = 1000 }, logger).Run(cts.Token);
        Assert.Equal(1, step);
        Assert.Equal(1, Checkpoint.ReadState(Checkpoint.Latest(run)!).Step);
    }

    private sealed class CallbackLogger(Action<string> onMessage) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel level) => true;
        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel level, Microsoft.Extensions.Logging.EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) =>
            onMessage(format(state, e));
    }

    [Fact]
    public void Step_seeds_are_the_same_in_every_process()
    {
        // Fixed values, not a comparison within one process: a per-process hash (HashCode.Combine, used
        // before) passed that too, yet a resumed run drew other crops than the run it continued.
        Assert.Equal(1057716140, Trainer.StepSeed(20201, 0));
        Assert.Equal(833888364, Trainer.StepSeed(20201, 37376));
        Assert.NotEqual(Trainer.StepSeed(20201, 1), Trainer.StepSeed(20201, 2));
    }

    [Fact]
    public void The_warm_up_ramps_the_learning_rate_linearly_to_full()
    {
        Assert.Equal(1.0 / 500, Trainer.WarmupFactor(100, 600, 500), 12);
        Assert.Equal(250.0 / 500, Trainer.WarmupFactor(349, 600, 500), 12);
        Assert.Equal(1.0, Trainer.WarmupFactor(599, 600, 500), 12);
        Assert.Equal(1.0, Trainer.WarmupFactor(600, 600, 500), 12);
        Assert.Equal(1.0, Trainer.WarmupFactor(5, 600, 0), 12);
    }

    [Fact]
    public void A_checkpoint_without_optimizer_state_resumes_with_fresh_moments_and_a_warm_up()
    {
        // What tools/gpu-train/import_run.py writes: weights, average, discriminator and state, no optimizer files.
        var data = MakeData();
        var run = Path.Combine(root, "imported");
        new Trainer(Options(data, run, 2) with { GanStartStep = 100 }, NullLogger.Instance).Run(CancellationToken.None);
        var latest = Checkpoint.Latest(run)!;
        Assert.Equal(500, Checkpoint.ReadState(latest).WarmupEnd);
        foreach (var f in Directory.GetFiles(latest, "optimizer-*.bin")) File.Delete(f);
        var messages = new List<string>();
        Assert.Equal(4, new Trainer(Options(data, run, 4) with { GanStartStep = 100, WarmupSteps = 10 }, new CallbackLogger(messages.Add))
            .Run(CancellationToken.None));
        Assert.Contains(messages, m => m.Contains("no optimizer state, fresh moments with warm-up"));
        Assert.Equal(12, Checkpoint.ReadState(Checkpoint.Latest(run)!).WarmupEnd);
    }

    [Fact]
    public void An_empty_data_folder_is_a_clear_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
        var e = Assert.Throws<InvalidOperationException>(() => new Trainer(Options(empty, Path.Combine(root, "x"), 2), NullLogger.Instance).Run(CancellationToken.None));
        Assert.Contains("No usable training images", e.Message);
    }
}
