using System.Diagnostics;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// One run of <see cref="Trainer"/>: the networks, their optimizers and the counters, restored from
/// the latest checkpoint (or a shipped model) by <see cref="Start"/>; <see cref="TrainStep"/>,
/// <see cref="Report"/> and <see cref="SaveCheckpoint"/> are the loop's three seams.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private const int MaxSkippedInARow = 20;

    private readonly TrainerOptions o;
    private readonly HificPreset preset;
    private readonly ILogger log;
    private readonly TrainingLog trainLog;
    private readonly HificModel model;
    private readonly Discriminator disc;
    private readonly OptimizerHelper optG, optD;
    private readonly OptimizerHelper? optGains;
    private readonly WeightAverage? average;
    private readonly long warmupEnd;
    private double trainedSeconds;

    // The logging window: loss terms per level, the discriminator's mean loss, the time it took.
    private readonly Dictionary<int, List<LossTerms>> window = new();
    private double lossDSum;
    private int lossDCount;
    private long skipped;
    private int skippedInARow;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long windowStart;

    public long Step { get; private set; }

    private TrainingRun(TrainerOptions options, HificPreset preset, ILogger log)
    {
        o = options;
        this.preset = preset;
        this.log = log;
        trainLog = new TrainingLog(o.OutDir);
        model = HificModel.CreateSeeded(preset, o.Seed);
        disc = new Discriminator(preset);
        optG = optim.Adam(model.parameters(), o.LearningRate);
        optD = optim.Adam(disc.parameters(), o.LearningRate);
        // The gains get a second Adam step on the same gradients, so they move GainLearningRateMultiplier
        // times as fast as the rest (see TrainerOptions). A separate optimizer, not a parameter group of
        // optG: checkpoints from before keep their optimizer state, and this one starts fresh there.
        optGains = o.GainLearningRateMultiplier > 1 ? optim.Adam(model.Gains.parameters(), o.LearningRate) : null;

        // Fresh Adam moments make the first steps move every weight by the full learning rate (m/sqrt(v) = ±1):
        // three such steps cost the lite model 1.6 dB on the eval crops. So after a start without
        // optimizer state the learning rate ramps up over WarmupSteps while the moments settle.
        bool freshOptimizer = true;
        long? savedWarmupEnd = null;
        var latest = Checkpoint.Latest(o.OutDir);
        if (latest is not null)
        {
            var state = Checkpoint.ReadState(latest);
            if (state.Preset != preset.Name)
                throw new InvalidOperationException($"{o.OutDir} holds a '{state.Preset}' run; asked for '{preset.Name}'.");
            freshOptimizer = !Checkpoint.LoadInto(latest, model, disc, optG, optD, optGains);
            savedWarmupEnd = state.WarmupEnd;
            Step = state.Step;
            trainedSeconds = state.TrainingSeconds;
            trainLog.TruncateAfter(Step);
            log.LogInformation("Resumed {Dir} at step {Step} ({Hours:F2} h trained{Fresh})", latest, Step, trainedSeconds / 3600,
                freshOptimizer ? "; no optimizer state, fresh moments with warm-up" : "");
        }
        else if (o.InitFrom is not null && File.Exists(Path.Combine(o.InitFrom, CodecModel.CardFile)))
        {
            var init = TrainingSnapshot.Restore(o.InitFrom, o.OutDir, model, disc);
            if (init.Preset != preset.Name)
                throw new InvalidOperationException($"{o.InitFrom} is a '{init.Preset}' model; asked for '{preset.Name}'.");
            Step = init.Step;
            trainedSeconds = init.TrainingSeconds;
            trainLog.TruncateAfter(Step);
            log.LogInformation("Continuing from the shipped model {Dir} at step {Step} ({Hours:F2} h trained; fresh optimizer state)", o.InitFrom, Step, trainedSeconds / 3600);
        }
        else log.LogInformation("Fresh {Preset} run in {Dir}, seed {Seed}", preset.Name, o.OutDir, o.Seed);

        // Created after the weights are restored, so a checkpoint without an average starts it from them.
        average = o.WeightAverageDecay > 0 ? new WeightAverage(model, o.WeightAverageDecay) : null;
        if (average is not null && latest is not null && Checkpoint.HasAverage(latest))
            average.Model.load(Path.Combine(latest, Checkpoint.AverageFile));

        warmupEnd = freshOptimizer ? Step + o.WarmupSteps : savedWarmupEnd ?? Step;
        windowStart = Step;
        model.train(); disc.train();
    }

    public static TrainingRun Start(TrainerOptions options, HificPreset preset, ILogger log) => new(options, preset, log);

    /// <summary>One generator step (and, in the GAN phase, one discriminator step) on a fresh batch.</summary>
    public void TrainStep(TrainingData data)
    {
        using (var scope = NewDisposeScope())
        {
            // Everything random in a step is derived from (seed, step): exact resume.
            random.manual_seed(o.Seed * 1_000_003 + Step);
            var rng = new Random(Trainer.StepSeed(o.Seed, Step));
            int level = rng.Next(preset.RateLevels);
            bool gan = Step >= o.GanStartStep;
            double lr = !gan ? o.RdLearningRate : Step >= o.LearningRateDecayStep ? o.LearningRate / 10 : o.LearningRate;
            lr *= Trainer.WarmupFactor(Step, warmupEnd, o.WarmupSteps);
            foreach (var g in optG.ParamGroups) g.LearningRate = lr;
            foreach (var g in optD.ParamGroups) g.LearningRate = lr;
            if (optGains is not null)
                foreach (var g in optGains.ParamGroups) g.LearningRate = lr * (o.GainLearningRateMultiplier - 1);

            var x = data.Batch(o.BatchSize, o.CropSize, rng);
            var f = model.Forward(x, level);
            var bpp = f.Bpp((long)o.CropSize * o.CropSize);
            var fakeLogits = gan ? disc.forward(HificModel.ToModelRange(f.Reconstruction), f.LatentHat.detach()) : null;
            var terms = HificLoss.Generator(o, level, x, f.Reconstruction, bpp, fakeLogits);
            optG.zero_grad();
            // A step whose loss or gradients are not finite is skipped, not applied: one such update
            // would turn every weight into NaN (see TorchRuntime.PrepareNative for where they came from).
            bool finite = terms.IsFinite;
            if (finite)
            {
                terms.Total.backward();
                finite = double.IsFinite(nn.utils.clip_grad_norm_(model.parameters(), 1.0));
            }
            if (!finite)
            {
                optG.zero_grad();
                if (++skippedInARow > MaxSkippedInARow)
                    throw new InvalidOperationException($"{skippedInARow} steps in a row had non-finite losses or gradients (last at step {Step}): the weights or the native kernels are broken.");
                skipped++;
                log.LogWarning("Step {Step}: non-finite loss or gradients, skipped ({Skipped} so far)", Step, skipped);
            }
            else
            {
                skippedInARow = 0;
                optG.step();
                optGains?.step();
                average?.Update();
                if (gan) DiscriminatorStep(x, f);
                (window.TryGetValue(level, out var list) ? list : window[level] = new()).Add(terms with { Total = null! });
            }
            f.Dispose();
        }
        Step++;
    }

    private void DiscriminatorStep(Tensor x, HificForward f)
    {
        var latent = f.LatentHat.detach();
        var real = disc.forward(HificModel.ToModelRange(x), latent);
        var fake = disc.forward(HificModel.ToModelRange(f.Reconstruction.detach()), latent);
        var lossD = HificLoss.Discriminator(real, fake);
        optD.zero_grad();
        double lossDValue = lossD.item<float>();
        if (!double.IsFinite(lossDValue)) return;
        lossD.backward();
        // Measures (never clips: the bound is out of reach) so that a non-finite gradient is caught.
        if (double.IsFinite(nn.utils.clip_grad_norm_(disc.parameters(), 1e12)))
        {
            optD.step();
            lossDSum += lossDValue; lossDCount++;
        }
        else optD.zero_grad();
    }

    /// <summary>Writes the window's mean terms per level to train.csv and the log, then starts a new window.</summary>
    public void Report()
    {
        double secPerStep = clock.Elapsed.TotalSeconds / Math.Max(1, Step - windowStart);
        trainedSeconds += clock.Elapsed.TotalSeconds;
        clock.Restart(); windowStart = Step;
        double rss = NativeMemory.RssMegabytes();
        foreach (var (level, terms) in window.OrderBy(kv => kv.Key))
        {
            double mse = terms.Average(t => t.Mse255);
            trainLog.AppendTrain(string.Join(',', Step, Step - 1 >= o.GanStartStep ? "gan" : "rd", level,
                TrainingLog.F(terms.Average(t => t.Bpp)), TrainingLog.F(Psnr.FromMse(mse)), TrainingLog.F(terms.Average(t => t.MsSsim)),
                TrainingLog.F(mse), TrainingLog.F(terms.Average(t => t.Lambda)), TrainingLog.F(terms.Average(t => t.Adversarial)),
                TrainingLog.F(lossDCount > 0 ? lossDSum / lossDCount : 0), TrainingLog.F(secPerStep), TrainingLog.F(rss)));
        }
        log.LogInformation("step {Step}: {Summary} | {Sec:F2} s/step, RSS {Rss:F0} MB", Step,
            string.Join("  ", window.OrderBy(kv => kv.Key).Select(kv => $"L{kv.Key} bpp {kv.Value.Average(t => t.Bpp):F3} PSNR {Psnr.FromMse(kv.Value.Average(t => t.Mse255)):F2}")),
            secPerStep, rss);
        window.Clear(); lossDSum = 0; lossDCount = 0;
        NativeMemory.Trim();
    }

    /// <summary>
    /// Measures the monitor crops (when <paramref name="monitor"/> is given) with the weights that
    /// ship and the raw ones, then saves a checkpoint and redraws the plots.
    /// </summary>
    public void SaveCheckpoint(Func<HificModel, List<(int Level, double Bpp, double Psnr, double MsSsim)>>? monitor)
    {
        trainedSeconds += clock.Elapsed.TotalSeconds; clock.Restart(); windowStart = Step;
        if (monitor is not null)
        {
            // monitor.csv follows the weights that ship; the raw ones are logged for comparison.
            var shipped = monitor(average?.Model ?? model);
            foreach (var (level, bpp, psnr, ms) in shipped)
                trainLog.AppendMonitor(string.Join(',', Step, level, TrainingLog.F(bpp), TrainingLog.F(psnr), TrainingLog.F(ms)));
            var raw = average is null ? null : monitor(model);
            log.LogInformation("Eval crops at step {Step}: {Shipped}{Raw}", Step,
                string.Join("  ", shipped.Select(m => $"L{m.Level} {m.Bpp:F3} bpp {m.Psnr:F2} dB {m.MsSsim:F4}")),
                raw is null ? "" : " | raw weights: " + string.Join("  ", raw.Select(m => $"L{m.Level} {m.Bpp:F3} bpp {m.Psnr:F2} dB {m.MsSsim:F4}")));
        }
        Checkpoint.Save(o.OutDir, new Checkpoint.State(Step, preset.Name, DateTime.UtcNow, trainedSeconds, Step > o.GanStartStep ? "gan" : "rd", o.DataDir, o.Describe(), warmupEnd),
            model, disc, optG, optD, average?.Model, optGains);
        try { trainLog.Plot(); } catch (Exception e) { log.LogWarning("Plot failed: {Message}", e.Message); }
        log.LogInformation("Checkpoint at step {Step}", Step);
    }

    public void Dispose()
    {
        average?.Dispose();
    }
}
