using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// HiFiC's two-phase recipe on TorchSharp: rate-distortion training, then the conditional GAN
/// phase from GanStartStep on. One variable-rate model: every batch draws a rate level, uses that
/// level's gains, lambda_a and target. Resumes from the latest checkpoint in OutDir. The loop is
/// here; one run's networks, optimizers and counters, and what a step, a report and a checkpoint
/// do with them, are in <see cref="TrainingRun"/>.
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
        log.LogInformation("TorchSharp Scalar quarantine {Status}", TorchScalarQuarantine.Status);
        if (TorchRuntime.CappedIsa is not null)
            log.LogInformation("oneDNN capped at {Isa} (TorchRuntime.PrepareNative): slower, but LibTorch's wider kernels read unwritten padding and return NaN at random", TorchRuntime.CappedIsa);
        var preset = HificPreset.ByName(o.Preset);
        if (preset.RateLevels != o.RateTargets.Length)
            throw new ArgumentException($"Preset {preset.Name} has {preset.RateLevels} rate levels but {o.RateTargets.Length} targets were given.");
        Directory.CreateDirectory(o.OutDir);

        using var run = TrainingRun.Start(o, preset, log);
        var data = TrainingData.Load(o.DataDir, o.CropSize, o.DownscaleAbove, m => log.LogWarning("{Message}", m));
        log.LogInformation("{Count} training images loaded from {Dir}", data.Count, o.DataDir);
        Tensor? monitor = null;
        if (o.MonitorDir is not null && Directory.Exists(o.MonitorDir))
            monitor = TrainingData.Load(o.MonitorDir, o.CropSize, int.MaxValue).CentreCrops(o.CropSize, MonitorCrops);

        while (run.Step < o.Steps && !ct.IsCancellationRequested)
        {
            run.TrainStep(data);
            if (run.Step % o.LogEvery == 0) run.Report();
            if (run.Step % o.CheckpointEvery == 0 || run.Step == o.Steps || ct.IsCancellationRequested)
                run.SaveCheckpoint(monitor is null ? null : m => Monitor(m, monitor));
        }
        return run.Step;
    }

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
