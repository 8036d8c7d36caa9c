using System.Globalization;
using System.Text.Json;
using HiFiC.Codec.Context;
using HiFiC.Codec.Model;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training.Context;

/// <summary>Settings of a context-model run (`hific train context`).</summary>
public sealed record ContextTrainerOptions(string OutDir, int Slices, int Width, long Steps, int BatchSize, double LearningRate,
    int CheckpointEvery, int LogEvery, int ValidateEvery, long Seed);

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

    private sealed record State(ChannelContextConfig Config, long Step);

    public void Run(LatentCache cache, CancellationToken ct)
    {
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
            log.LogInformation("resuming at step {Step} ({Slices} slices, width {Width})", state.Step, state.Config.Slices, state.Config.Width);
        }
        else
        {
            var order = ChannelOrder(cache, trainRecords);
            state = new State(new ChannelContextConfig(cache.Channels, options.Slices, options.Width, order), 0);
            log.LogInformation("new run: {Slices} slices, width {Width}; channel order by hyperprior bits {Order}", options.Slices, options.Width, string.Join(',', order));
        }
        random.manual_seed(options.Seed);
        using var model = new ChannelContextModel(state.Config);
        if (File.Exists(weightsPath) && state.Step > 0) model.load(weightsPath);
        var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var rng = new Random((int)(options.Seed + state.Step));
        var trainCsv = Path.Combine(options.OutDir, "train.csv");
        var validCsv = Path.Combine(options.OutDir, "valid.csv");
        if (!File.Exists(trainCsv))
            File.WriteAllText(trainCsv, "step,bits_ctx,bits_hyper,saving," + string.Join(',', Enumerable.Range(0, state.Config.Slices).Select(s => $"saving_s{s}")) + "\n");
        if (!File.Exists(validCsv)) File.WriteAllText(validCsv, "step,bits_ctx,bits_hyper,saving\n");
        long step = state.Step;
        var sums = new double[2 * state.Config.Slices];
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
                    var p = model.Forward(y, mean, raw);
                    var bits = -GaussianConditional.Likelihood(noisy, p.Mean, p.Scale).log2();
                    var loss = bits.mean();
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    using (no_grad())
                    {
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
                if (step % options.CheckpointEvery == 0) Save(model, state with { Step = step }, weightsPath, statePath);
                if (step % options.ValidateEvery == 0) Validate(model, cache, trainRecords, step, validCsv);
                if (step % 200 == 0) NativeMemory.Trim();
            }
        }
        finally
        {
            Save(model, state with { Step = step }, weightsPath, statePath);
            log.LogInformation("checkpoint saved at step {Step}", step);
        }
    }

    private void Log(long step, double[] sums, int n, string csv)
    {
        int slices = sums.Length / 2;
        double ctx = 0, hyper = 0;
        var per = new string[slices];
        for (int s = 0; s < slices; s++)
        {
            ctx += sums[2 * s] / n / slices; hyper += sums[2 * s + 1] / n / slices;
            per[s] = F(1 - sums[2 * s] / sums[2 * s + 1]);
        }
        File.AppendAllText(csv, $"{step},{F(ctx)},{F(hyper)},{F(1 - ctx / hyper)},{string.Join(',', per)}\n");
        log.LogInformation("step {Step}: y bits/element {Ctx:0.0000} vs hyperprior {Hyper:0.0000} (saving {Saving:P2}; per slice {PerSlice})",
            step, ctx, hyper, 1 - ctx / hyper, string.Join(" ", per));
    }

    /// <summary>Held-out bits with real rounding (symbols round(y - mean)), context against hyperprior alone.</summary>
    private void Validate(ChannelContextModel model, LatentCache cache, int from, long step, string csv)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double ctx = 0, hyper = 0;
        for (int i = from; i < cache.Count; i += 32)
        {
            using var inner = NewDisposeScope();
            var batch = cache.Records.narrow(0, i, Math.Min(32, cache.Count - i));
            var (y, mean, raw) = (batch.select(1, 0), batch.select(1, 1), batch.select(1, 2));
            var p = model.Forward(y, mean, raw);
            ctx += -GaussianConditional.Likelihood((y - p.Mean).round() + p.Mean, p.Mean, p.Scale).clamp_min(1.0 / 65536).log2().sum().item<float>();
            hyper += -GaussianConditional.Likelihood((y - mean).round() + mean, mean, GaussianConditional.ScaleFromRaw(raw)).clamp_min(1.0 / 65536).log2().sum().item<float>();
        }
        File.AppendAllText(csv, $"{step},{F(ctx)},{F(hyper)},{F(1 - ctx / hyper)}\n");
        log.LogInformation("step {Step}: held-out y bits {Ctx:0} vs hyperprior {Hyper:0} (saving {Saving:P2})", step, ctx, hyper, 1 - ctx / hyper);
    }

    private static void Save(ChannelContextModel model, State state, string weightsPath, string statePath)
    {
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
