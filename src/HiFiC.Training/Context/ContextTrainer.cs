using System.Globalization;
using System.Text.Json;
using HiFiC.Codec.Context;
using HiFiC.Codec.Networks;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training.Context;

/// <summary>Settings of a context-model run (`hific train context`).</summary>
/// <param name="FinalLearningRate">With <paramref name="DecaySteps"/> &gt; 0 the rate falls from LearningRate to this one on a cosine over
/// DecaySteps steps (by the run's step, so a resumed run keeps its place), then stays there.</param>
/// <param name="HyperLearningRate">&gt; 0: a new run also retrains the hyper-analysis, hyper-synthesis and z prior (joint; the loss is then
/// y's and z's bits), at this rate times the schedule's factor.</param>
/// <param name="Checkerboard">A new run codes each slice in two checkerboard phases (<see cref="ChannelContextConfig.Checkerboard"/>).</param>
public sealed record ContextTrainerOptions(string OutDir, int Slices, int Width, long Steps, int BatchSize, double LearningRate,
    int CheckpointEvery, int LogEvery, int ValidateEvery, long Seed, double FinalLearningRate = 0, long DecaySteps = 0, double HyperLearningRate = 0,
    bool Checkerboard = false)
{
    public double Factor(long step) => DecaySteps <= 0 ? 1
        : (FinalLearningRate + (LearningRate - FinalLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)step / DecaySteps)))) / LearningRate;
}

/// <summary>
/// Trains a <see cref="ChannelContextModel"/> on a <see cref="LatentCache"/> with the transforms
/// and the hyperprior frozen: the loss is y's bits alone (noisy quantisation), so reconstruction
/// is untouched. Resumable: out/context.bin (weights) + out/context.json (config, step); a
/// checkpoint is saved on cancellation too. Logs bits per element for each slice against the
/// hyperprior alone on the same batch (train.csv), and every ValidateEvery steps the saving with
/// real rounding on held-out crops (valid.csv).
/// </summary>
public sealed class ContextTrainer(ContextTrainerOptions options, ILogger log)
{
    public const string WeightsFile = "context.bin";
    public const string StateFile = "context.json";
    /// <summary>The retrained hyperprior (joint runs only): a <see cref="MeanScaleHyperprior"/> state, float32.</summary>
    public const string HyperFile = "hyper.bin";

    /// <summary>Run state (context.json). JointHyper: the run retrains the hyperprior too (hyper.bin).</summary>
    public sealed record State(ChannelContextConfig Config, long Step, bool JointHyper = false);

    public static State ReadState(string runDir) =>
        JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(runDir, StateFile))) ?? throw new InvalidDataException($"empty {StateFile} in {runDir}");

    /// <param name="frozen">The frozen model; needed by joint runs (a copy of its hyperprior is trained, its own stays the baseline).</param>
    public void Run(LatentCache cache, CancellationToken ct, HificModel? frozen = null)
    {
        var frozenHyper = frozen?.Hyperprior;
        Directory.CreateDirectory(options.OutDir);
        var statePath = Path.Combine(options.OutDir, StateFile);
        var weightsPath = Path.Combine(options.OutDir, WeightsFile);
        // Held out: the last tenth of the crops (all their rates), never trained on.
        int cropCount = cache.Count / cache.RatesPerCrop;
        int trainRecords = (cropCount - Math.Max(1, cropCount / 10)) * cache.RatesPerCrop;
        State state;
        if (File.Exists(statePath))
        {
            state = JsonSerializer.Deserialize<State>(File.ReadAllText(statePath))!;
            // --hyper-lr on a run that kept the hyperprior frozen: from here on it is retrained too (starting from the frozen one).
            if (options.HyperLearningRate > 0 && !state.JointHyper) state = state with { JointHyper = true };
            log.LogInformation("resuming at step {Step} ({Slices} slices, width {Width}, checkerboard {Checkerboard}, hyperprior {Hyper})",
                state.Step, state.Config.Slices, state.Config.Width, state.Config.Checkerboard, state.JointHyper ? "retrained" : "frozen");
        }
        else
        {
            var order = ChannelOrder(cache, trainRecords);
            state = new State(new ChannelContextConfig(cache.Channels, options.Slices, options.Width, order, options.Checkerboard), 0, options.HyperLearningRate > 0);
            log.LogInformation("new run: {Slices} slices, width {Width}, checkerboard {Checkerboard}, hyperprior {Hyper}; channel order by hyperprior bits {Order}",
                options.Slices, options.Width, options.Checkerboard, state.JointHyper ? "retrained" : "frozen", string.Join(',', order));
        }
        random.manual_seed(options.Seed);
        using var model = new ChannelContextModel(state.Config);
        if (File.Exists(weightsPath) && state.Step > 0) model.load(weightsPath);
        var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        MeanScaleHyperprior? hyper = null;
        optim.Optimizer? hyperOptimizer = null;
        var hyperPath = Path.Combine(options.OutDir, HyperFile);
        if (state.JointHyper)
        {
            if (frozenHyper is null) throw new InvalidOperationException("a joint run needs the frozen model's hyperprior");
            hyper = CopyOf(frozenHyper, frozen!.Preset);
            if (File.Exists(hyperPath) && state.Step > 0) hyper.load(hyperPath);
            hyper.train();
            foreach (var p in hyper.parameters()) p.requires_grad_(true);
            foreach (var p in frozenHyper.parameters()) p.requires_grad_(false);
            frozenHyper.eval();
            hyperOptimizer = optim.Adam(hyper.parameters(), options.HyperLearningRate > 0 ? options.HyperLearningRate : options.LearningRate * 0.1);
        }
        double hyperLr = options.HyperLearningRate > 0 ? options.HyperLearningRate : options.LearningRate * 0.1;
        var rng = new Random((int)(options.Seed + state.Step));
        var trainCsv = Path.Combine(options.OutDir, "train.csv");
        var validCsv = Path.Combine(options.OutDir, "valid.csv");
        if (!File.Exists(trainCsv))
            File.WriteAllText(trainCsv, "step,bits_ctx,bits_hyper,saving," + string.Join(',', Enumerable.Range(0, state.Config.Slices).Select(s => $"saving_s{s}"))
                + (state.JointHyper ? ",zbits_ctx,zbits_hyper" : "") + "\n");
        if (!File.Exists(validCsv)) File.WriteAllText(validCsv, "step,bits_ctx,bits_hyper,saving\n");
        long step = state.Step;
        var sums = new double[2 * state.Config.Slices + 2];
        int logged = 0;
        try
        {
            while (step < options.Steps && !ct.IsCancellationRequested)
            {
                using (var scope = NewDisposeScope())
                {
                    var index = tensor(Enumerable.Range(0, options.BatchSize).Select(_ => (long)rng.Next(trainRecords)).ToArray());
                    var batch = cache.Records.index_select(0, index);
                    var (y, mean, raw) = (batch.select(1, 0), batch.select(1, 1), batch.select(1, 2));
                    var noisy = y + empty_like(y).uniform_(-0.5, 0.5);
                    double factor = options.Factor(step);
                    foreach (var g in optimizer.ParamGroups) g.LearningRate = options.LearningRate * factor;
                    Tensor? zBits = null;
                    var (ctxMean, ctxRaw) = (mean, raw);
                    if (hyper is not null)
                    {
                        var z = hyper.Analysis.forward(y);
                        var zNoisy = z + empty_like(z).uniform_(-0.5, 0.5);
                        zBits = -hyper.ZDensity.forward(zNoisy).log2();
                        (ctxMean, ctxRaw) = (hyper.MeanSynthesis.forward(zNoisy), hyper.ScaleSynthesis.forward(zNoisy));
                        foreach (var g in hyperOptimizer!.ParamGroups) g.LearningRate = hyperLr * factor;
                    }
                    var p = model.Forward(y, ctxMean, ctxRaw);
                    var bits = -GaussianConditional.Likelihood(noisy, p.Mean, p.Scale).log2();
                    var loss = zBits is null ? bits.mean() : (bits.sum() + zBits.sum()) / bits.numel();
                    optimizer.zero_grad();
                    hyperOptimizer?.zero_grad();
                    loss.backward();
                    optimizer.step();
                    hyperOptimizer?.step();
                    using (no_grad())
                    {
                        if (zBits is not null)
                        {
                            var zBase = frozenHyper!.Analysis.forward(y);
                            var baseZBits = -frozenHyper.ZDensity.forward(zBase + empty_like(zBase).uniform_(-0.5, 0.5)).log2();
                            sums[^2] += zBits.sum().item<float>() / bits.numel();
                            sums[^1] += baseZBits.sum().item<float>() / bits.numel();
                        }
                        var baseBits = -GaussianConditional.Likelihood(noisy, mean, GaussianConditional.ScaleFromRaw(raw)).log2();
                        for (int s = 0; s < state.Config.Slices; s++)
                        {
                            var members = tensor(state.Config.SliceMembers(s).Select(c => (long)c).ToArray());
                            sums[2 * s] += bits.index_select(1, members).mean().item<float>();
                            sums[2 * s + 1] += baseBits.index_select(1, members).mean().item<float>();
                        }
                    }
                    logged++;
                }
                step++;
                if (step % options.LogEvery == 0) { Log(step, sums, logged, trainCsv); Array.Clear(sums); logged = 0; }
                if (step % options.CheckpointEvery == 0) Save(model, hyper, state with { Step = step }, weightsPath, statePath);
                if (step % options.ValidateEvery == 0) Validate(model, hyper, frozenHyper, cache, trainRecords, step, validCsv);
                if (step % 200 == 0) NativeMemory.Trim();
            }
        }
        finally
        {
            Save(model, hyper, state with { Step = step }, weightsPath, statePath);
            log.LogInformation("checkpoint saved at step {Step}", step);
            hyper?.Dispose();
        }
    }

    private void Log(long step, double[] sums, int n, string csv)
    {
        int slices = sums.Length / 2 - 1;
        double ctx = 0, hyper = 0;
        var per = new string[slices];
        for (int s = 0; s < slices; s++)
        {
            ctx += sums[2 * s] / n / slices; hyper += sums[2 * s + 1] / n / slices;
            per[s] = F(1 - sums[2 * s] / sums[2 * s + 1]);
        }
        // Joint runs: z's bits per y element are added to both sides (and logged on their own).
        bool joint = sums[^1] > 0;
        double zCtx = sums[^2] / n, zHyper = sums[^1] / n;
        ctx += zCtx; hyper += zHyper;
        File.AppendAllText(csv, $"{step},{F(ctx)},{F(hyper)},{F(1 - ctx / hyper)},{string.Join(',', per)}" + (joint ? $",{F(zCtx)},{F(zHyper)}" : "") + "\n");
        log.LogInformation("step {Step}: y bits/element {Ctx:0.0000} vs hyperprior {Hyper:0.0000} (saving {Saving:P2}; per slice {PerSlice})",
            step, ctx, hyper, 1 - ctx / hyper, string.Join(" ", per));
    }

    /// <summary>Held-out bits with real rounding (symbols round(y - mean)), context against hyperprior alone.</summary>
    /// <summary>
    /// Held-out bits with real rounding (symbols round(y - mean)), context against hyperprior alone;
    /// a joint run adds z's bits (round(h_a(y)) under each side's z prior) to both.
    /// </summary>
    private void Validate(ChannelContextModel model, MeanScaleHyperprior? trained, MeanScaleHyperprior? frozen, LatentCache cache, int from, long step, string csv)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double ctx = 0, hyper = 0;
        trained?.eval();
        for (int i = from; i < cache.Count; i += 32)
        {
            using var inner = NewDisposeScope();
            var batch = cache.Records.narrow(0, i, Math.Min(32, cache.Count - i));
            var (y, mean, raw) = (batch.select(1, 0), batch.select(1, 1), batch.select(1, 2));
            var (ctxMean, ctxRaw) = (mean, raw);
            if (trained is not null)
            {
                var z = trained.Analysis.forward(y).round();
                ctx += -trained.ZDensity.forward(z).log2().sum().item<float>();
                (ctxMean, ctxRaw) = (trained.MeanSynthesis.forward(z), trained.ScaleSynthesis.forward(z));
                hyper += -frozen!.ZDensity.forward(frozen.Analysis.forward(y).round()).log2().sum().item<float>();
            }
            var p = model.Forward(y, ctxMean, ctxRaw);
            ctx += -GaussianConditional.Likelihood((y - p.Mean).round() + p.Mean, p.Mean, p.Scale).clamp_min(1.0 / 65536).log2().sum().item<float>();
            hyper += -GaussianConditional.Likelihood((y - mean).round() + mean, mean, GaussianConditional.ScaleFromRaw(raw)).clamp_min(1.0 / 65536).log2().sum().item<float>();
        }
        File.AppendAllText(csv, $"{step},{F(ctx)},{F(hyper)},{F(1 - ctx / hyper)}\n");
        log.LogInformation("step {Step}: held-out {What} bits {Ctx:0} vs hyperprior {Hyper:0} (saving {Saving:P2})", step, trained is null ? "y" : "y+z", ctx, hyper, 1 - ctx / hyper);
        trained?.train();
    }

    /// <summary>A trainable copy of a hyperprior (same weights).</summary>
    public static MeanScaleHyperprior CopyOf(MeanScaleHyperprior source, HificPreset preset)
    {
        var copy = new MeanScaleHyperprior(preset);
        copy.load_state_dict(source.state_dict());
        return copy;
    }

    private static void Save(ChannelContextModel model, MeanScaleHyperprior? hyper, State state, string weightsPath, string statePath)
    {
        if (hyper is not null)
        {
            var hyperPath = Path.Combine(Path.GetDirectoryName(weightsPath)!, HyperFile);
            hyper.save(hyperPath + ".tmp");
            File.Move(hyperPath + ".tmp", hyperPath, overwrite: true);
        }
        model.save(weightsPath + ".tmp");
        File.Move(weightsPath + ".tmp", weightsPath, overwrite: true);
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(state));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
    }

    /// <summary>Channels by the hyperprior's bits on the training records, most first: the costly channels are decoded first and inform the rest.</summary>
    public static int[] ChannelOrder(LatentCache cache, int records)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var total = zeros(cache.Channels, dtype: ScalarType.Float64);
        for (int i = 0; i < records; i += 64)
        {
            using var inner = NewDisposeScope();
            var batch = cache.Records.narrow(0, i, Math.Min(64, records - i));
            var (y, mean, raw) = (batch.select(1, 0), batch.select(1, 1), batch.select(1, 2));
            var bits = -GaussianConditional.Likelihood((y - mean).round() + mean, mean, GaussianConditional.ScaleFromRaw(raw)).log2();
            total.add_(bits.sum([0, 2, 3]).to(ScalarType.Float64));
        }
        var values = total.data<double>().ToArray();
        return Enumerable.Range(0, values.Length).OrderByDescending(c => values[c]).ThenBy(c => c).ToArray();
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
