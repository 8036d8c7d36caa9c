using System.Diagnostics;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Model;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// HiFiC's two-phase recipe on TorchSharp: rate-distortion training, then the conditional GAN
/// phase from GanStartStep on. One variable-rate model: every batch draws a rate level, uses that
/// level's gains, lambda_a and target. Resumes from the latest checkpoint in OutDir.
/// </summary>
public sealed class Trainer
{
    private const int MonitorCrops = 6;
    private readonly TrainerOptions o;
    private readonly ILogger log;

    public Trainer(TrainerOptions options, ILogger logger)
    {
        options.Validate();
        o = options;
        log = logger;
    }

    public long Run(CancellationToken ct)
    {
        TorchRuntime.Configure(o.Threads);
        if (TorchRuntime.CappedIsa is not null)
            log.LogInformation("oneDNN capped at {Isa} (TorchRuntime.PrepareNative): slower, but LibTorch's wider kernels read unwritten padding and return NaN at random", TorchRuntime.CappedIsa);
        var preset = HificPreset.ByName(o.Preset);
        if (preset.RateLevels != o.RateTargets.Length)
            throw new ArgumentException($"Preset {preset.Name} has {preset.RateLevels} rate levels but {o.RateTargets.Length} targets were given.");
        Directory.CreateDirectory(o.OutDir);
        var trainLog = new TrainingLog(o.OutDir);

        var model = HificModel.CreateSeeded(preset, o.Seed);
        var disc = new Discriminator(preset);
        var optG = optim.Adam(model.parameters(), o.LearningRate);
        var optD = optim.Adam(disc.parameters(), o.LearningRate);
        // The gains get a second Adam step on the same gradients, so they move GainLearningRateMultiplier
        // times as fast as the rest (see TrainerOptions). A separate optimizer, not a parameter group of
        // optG: checkpoints from before keep their optimizer state, and this one starts fresh there.
        var optGains = o.GainLearningRateMultiplier > 1 ? optim.Adam(model.Gains.parameters(), o.LearningRate) : null;
        long step = 0;
        double trainedSeconds = 0;
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
            step = state.Step;
            trainedSeconds = state.TrainingSeconds;
            trainLog.TruncateAfter(step);
            log.LogInformation("Resumed {Dir} at step {Step} ({Hours:F2} h trained{Fresh})", latest, step, trainedSeconds / 3600,
                freshOptimizer ? "; no optimizer state, fresh moments with warm-up" : "");
        }
        else if (o.InitFrom is not null && File.Exists(Path.Combine(o.InitFrom, CodecModel.CardFile)))
        {
            var init = TrainingSnapshot.Restore(o.InitFrom, o.OutDir, model, disc);
            if (init.Preset != preset.Name)
                throw new InvalidOperationException($"{o.InitFrom} is a '{init.Preset}' model; asked for '{preset.Name}'.");
            step = init.Step;
            trainedSeconds = init.TrainingSeconds;
            trainLog.TruncateAfter(step);
            log.LogInformation("Continuing from the shipped model {Dir} at step {Step} ({Hours:F2} h trained; fresh optimizer state)", o.InitFrom, step, trainedSeconds / 3600);
        }
        else log.LogInformation("Fresh {Preset} run in {Dir}, seed {Seed}", preset.Name, o.OutDir, o.Seed);

        // Created after the weights are restored, so a checkpoint without an average starts it from them.
        using var average = o.WeightAverageDecay > 0 ? new WeightAverage(model, o.WeightAverageDecay) : null;
        if (average is not null && latest is not null && Checkpoint.HasAverage(latest))
            average.Model.load(Path.Combine(latest, Checkpoint.AverageFile));

        var data = TrainingData.Load(o.DataDir, o.CropSize, o.DownscaleAbove, m => log.LogWarning("{Message}", m));
        log.LogInformation("{Count} training images loaded from {Dir}", data.Count, o.DataDir);
        Tensor? monitor = null;
        if (o.MonitorDir is not null && Directory.Exists(o.MonitorDir))
            monitor = TrainingData.Load(o.MonitorDir, o.CropSize, int.MaxValue).CentreCrops(o.CropSize, MonitorCrops);

        long warmupEnd = freshOptimizer ? step + o.WarmupSteps : savedWarmupEnd ?? step;
        var window = new Dictionary<int, List<LossTerms>>();
        double lossDSum = 0; int lossDCount = 0;
        long skipped = 0; int skippedInARow = 0;
        var clock = Stopwatch.StartNew();
        long windowStart = step;
        model.train(); disc.train();
        while (step < o.Steps && !ct.IsCancellationRequested)
        {
            using (var scope = NewDisposeScope())
            {
                // Everything random in a step is derived from (seed, step): exact resume.
                random.manual_seed(o.Seed * 1_000_003 + step);
                var rng = new Random(StepSeed(o.Seed, step));
                int level = rng.Next(preset.RateLevels);
                bool gan = step >= o.GanStartStep;
                double lr = !gan ? o.RdLearningRate : step >= o.LearningRateDecayStep ? o.LearningRate / 10 : o.LearningRate;
                lr *= WarmupFactor(step, warmupEnd, o.WarmupSteps);
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
                        throw new InvalidOperationException($"{skippedInARow} steps in a row had non-finite losses or gradients (last at step {step}): the weights or the native kernels are broken.");
                    skipped++;
                    log.LogWarning("Step {Step}: non-finite loss or gradients, skipped ({Skipped} so far)", step, skipped);
                }
                else
                {
                    skippedInARow = 0;
                    optG.step();
                    optGains?.step();
                    average?.Update();
                    if (gan)
                    {
                        var latent = f.LatentHat.detach();
                        var real = disc.forward(HificModel.ToModelRange(x), latent);
                        var fake = disc.forward(HificModel.ToModelRange(f.Reconstruction.detach()), latent);
                        var lossD = HificLoss.Discriminator(real, fake);
                        optD.zero_grad();
                        double lossDValue = lossD.item<float>();
                        if (double.IsFinite(lossDValue))
                        {
                            lossD.backward();
                            // Measures (never clips: the bound is out of reach) so that a non-finite gradient is caught.
                            if (double.IsFinite(nn.utils.clip_grad_norm_(disc.parameters(), 1e12)))
                            {
                                optD.step();
                                lossDSum += lossDValue; lossDCount++;
                            }
                            else optD.zero_grad();
                        }
                    }
                    (window.TryGetValue(level, out var list) ? list : window[level] = new()).Add(terms with { Total = null! });
                }
                f.Dispose();
            }
            step++;

            if (step % o.LogEvery == 0)
            {
                double secPerStep = clock.Elapsed.TotalSeconds / Math.Max(1, step - windowStart);
                trainedSeconds += clock.Elapsed.TotalSeconds;
                clock.Restart(); windowStart = step;
                double rss = NativeMemory.RssMegabytes();
                foreach (var (level, terms) in window.OrderBy(kv => kv.Key))
                {
                    double mse = terms.Average(t => t.Mse255);
                    trainLog.AppendTrain(string.Join(',', step, step - 1 >= o.GanStartStep ? "gan" : "rd", level,
                        TrainingLog.F(terms.Average(t => t.Bpp)), TrainingLog.F(Psnr.FromMse(mse)), TrainingLog.F(terms.Average(t => t.MsSsim)),
                        TrainingLog.F(mse), TrainingLog.F(terms.Average(t => t.Lambda)), TrainingLog.F(terms.Average(t => t.Adversarial)),
                        TrainingLog.F(lossDCount > 0 ? lossDSum / lossDCount : 0), TrainingLog.F(secPerStep), TrainingLog.F(rss)));
                }
                log.LogInformation("step {Step}: {Summary} | {Sec:F2} s/step, RSS {Rss:F0} MB", step,
                    string.Join("  ", window.OrderBy(kv => kv.Key).Select(kv => $"L{kv.Key} bpp {kv.Value.Average(t => t.Bpp):F3} PSNR {Psnr.FromMse(kv.Value.Average(t => t.Mse255)):F2}")),
                    secPerStep, rss);
                window.Clear(); lossDSum = 0; lossDCount = 0;
                NativeMemory.Trim();
            }
            if (step % o.CheckpointEvery == 0 || step == o.Steps || ct.IsCancellationRequested)
            {
                trainedSeconds += clock.Elapsed.TotalSeconds; clock.Restart(); windowStart = step;
                if (monitor is not null)
                {
                    // monitor.csv follows the weights that ship; the raw ones are logged for comparison.
                    var shipped = Monitor(average?.Model ?? model, monitor);
                    foreach (var (level, bpp, psnr, ms) in shipped)
                        trainLog.AppendMonitor(string.Join(',', step, level, TrainingLog.F(bpp), TrainingLog.F(psnr), TrainingLog.F(ms)));
                    var raw = average is null ? null : Monitor(model, monitor);
                    log.LogInformation("Eval crops at step {Step}: {Shipped}{Raw}", step,
                        string.Join("  ", shipped.Select(m => $"L{m.Level} {m.Bpp:F3} bpp {m.Psnr:F2} dB {m.MsSsim:F4}")),
                        raw is null ? "" : " | raw weights: " + string.Join("  ", raw.Select(m => $"L{m.Level} {m.Bpp:F3} bpp {m.Psnr:F2} dB {m.MsSsim:F4}")));
                }
                Checkpoint.Save(o.OutDir, new Checkpoint.State(step, preset.Name, DateTime.UtcNow, trainedSeconds, step > o.GanStartStep ? "gan" : "rd", o.DataDir, o.Describe(), warmupEnd), model, disc, optG, optD, average?.Model, optGains);
                try { trainLog.Plot(); } catch (Exception e) { log.LogWarning("Plot failed: {Message}", e.Message); }
                log.LogInformation("Checkpoint at step {Step}", step);
            }
        }
        return step;
    }

    private const int MaxSkippedInARow = 20;

    /// <summary>
    /// The data stream's seed for a step: the same in every process (HashCode.Combine, used before,
    /// is randomised per process, so a resumed run drew other crops than the run it continued).
    /// </summary>
    public static int StepSeed(long seed, long step)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)step);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    /// <summary>Linear ramp from 1/warmupSteps to 1 over the steps before <paramref name="warmupEnd"/>.</summary>
    public static double WarmupFactor(long step, long warmupEnd, int warmupSteps) =>
        step >= warmupEnd || warmupSteps <= 0 ? 1.0 : Math.Max(0, warmupSteps - (warmupEnd - step) + 1) / (double)warmupSteps;

    private List<(int Level, double Bpp, double Psnr, double MsSsim)> Monitor(HificModel model, Tensor crops)
    {
        bool training = model.training;
        model.eval();
        var result = new List<(int, double, double, double)>();
        using (no_grad())
        {
            for (int level = 0; level < model.Preset.RateLevels; level++)
            {
                // A non-finite result is measured again (a faulty kernel, TorchRuntime.PrepareNative), then left out.
                for (int attempt = 1; attempt <= 3; attempt++)
                {
                    using var scope = NewDisposeScope();
                    var f = model.Forward(crops, level);
                    var recon = f.Reconstruction.clamp(0, 1);
                    double bpp = f.Bpp((long)o.CropSize * o.CropSize).mean().item<float>();
                    double mse = (recon - crops).mul(255).square().mean().item<float>();
                    double ms = MsSsim.Compute(recon, crops, 1.0).mean().item<float>();
                    if (double.IsFinite(bpp) && double.IsFinite(mse) && double.IsFinite(ms)) { result.Add((level, bpp, Psnr.FromMse(mse), ms)); break; }
                    log.LogWarning("Monitor: level {Level} gave non-finite values (attempt {Attempt} of 3)", level, attempt);
                }
            }
        }
        if (training) model.train();
        return result;
    }
}
