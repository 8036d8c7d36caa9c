using System.CommandLine;
using System.Globalization;
using HiFiC.Training;
using HiFiC.Training.Context;

namespace HiFiC.Cli.Train;

/// <summary>
/// `hific train context`: trains a channel-conditional entropy model on a frozen model's latents
/// (cached once in --cache, built from --data if missing), resuming the run in --out. Ctrl+C
/// saves a checkpoint and exits 0.
/// </summary>
public sealed class TrainContextCommand : Command
{
    private readonly Option<string> model = new("--model") { Description = "The frozen model whose latents are coded.", DefaultValueFactory = _ => "hific-lite" };
    private readonly Option<string> data = new("--data") { Description = "Folder of training images (for the cache).", DefaultValueFactory = _ => "../shared/datasets/train" };
    private readonly Option<string> output = new("--out") { Description = "Run folder (resumed when it holds a run).", DefaultValueFactory = _ => "runs/context" };
    private readonly Option<string?> cache = new("--cache") { Description = "Latent cache file (default: <out>/cache.bin; built when missing)." };
    private readonly Option<int> crops = new("--crops") { Description = "Crops in a new cache.", DefaultValueFactory = _ => 480 };
    private readonly Option<string> rates = new("--rates") { Description = "Rates t of a new cache, comma-separated.", DefaultValueFactory = _ => "-0.5,0.25,1,1.75,2.5" };
    private readonly Option<int> slices = new("--slices") { Description = "Channel slices (a new run).", DefaultValueFactory = _ => 4 };
    private readonly Option<int> width = new("--width") { Description = "Hidden width of each slice's network (a new run).", DefaultValueFactory = _ => 64 };
    private readonly Option<long> steps = new("--steps") { Description = "Train until this step.", DefaultValueFactory = _ => 1_000_000 };
    private readonly Option<int> batch = new("--batch") { Description = "Latent crops per step.", DefaultValueFactory = _ => 16 };
    private readonly Option<double> lr = new("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
    private readonly Option<double> lrFinal = new("--lr-final") { Description = "Learning rate at the end of the cosine decay (with --decay-steps).", DefaultValueFactory = _ => 1e-4 };
    private readonly Option<long> decaySteps = new("--decay-steps") { Description = "Steps of the cosine decay from --lr to --lr-final (0: constant --lr).", DefaultValueFactory = _ => 0 };
    private readonly Option<double> hyperLr = new("--hyper-lr") { Description = "Retrain the hyper-analysis, hyper-synthesis and z prior too, at this rate (a resumed run that kept them frozen starts from the frozen ones; 0: frozen unless the run retrains them already).", DefaultValueFactory = _ => 0 };
    private readonly Option<int> validateEvery = new("--validate-every") { Description = "Steps between held-out measurements.", DefaultValueFactory = _ => 500 };
    private readonly Option<bool> checkerboard = new("--checkerboard") { Description = "A new run codes each slice in two checkerboard phases (anchors, then the rest seeing them)." };
    private readonly Option<long> seed = new("--seed") { DefaultValueFactory = _ => 1 };

    public TrainContextCommand(CliContext cli) : base("context", "Train a channel-conditional entropy model on a frozen model's cached latents (resumable).")
    {
        Add(model); Add(data); Add(output); Add(cache); Add(crops); Add(rates); Add(slices); Add(width); Add(steps); Add(batch); Add(lr); Add(lrFinal); Add(decaySteps); Add(hyperLr); Add(validateEvery); Add(checkerboard); Add(seed);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var outDir = r.GetValue(output)!;
        var cachePath = r.GetValue(cache) ?? Path.Combine(outDir, "cache.bin");
        var log = cli.Logger("HiFiC.Training.Context");
        if (!File.Exists(cachePath))
        {
            var frozen = cli.Models.Load(r.GetValue(model));
            var dataDir = r.GetValue(data)!;
            if (!Directory.Exists(dataDir)) throw new UsageException($"Training data folder not found: {dataDir}");
            var images = TrainingData.Load(dataDir, 256, 512);
            var t = r.GetValue(rates)!.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            LatentCache.Build(frozen.Network, images, cachePath, r.GetValue(crops), 256, t, (int)r.GetValue(seed), log, ct);
        }
        var loaded = LatentCache.Load(cachePath);
        var options = new ContextTrainerOptions(outDir, r.GetValue(slices), r.GetValue(width), r.GetValue(steps), r.GetValue(batch), r.GetValue(lr),
            CheckpointEvery: 200, LogEvery: 50, ValidateEvery: r.GetValue(validateEvery), r.GetValue(seed),
            FinalLearningRate: r.GetValue(lrFinal), DecaySteps: r.GetValue(decaySteps), HyperLearningRate: r.GetValue(hyperLr), Checkerboard: r.GetValue(checkerboard));
        // A joint run (new with --hyper-lr, or resumed) trains a copy of the frozen model's hyperprior.
        var statePath = Path.Combine(outDir, ContextTrainer.StateFile);
        bool joint = options.HyperLearningRate > 0 || (File.Exists(statePath) && ContextTrainer.ReadState(outDir).JointHyper);
        var frozenModel = joint ? cli.Models.Load(r.GetValue(model)) : null;
        new ContextTrainer(options, log).Run(loaded, ct, frozenModel?.Network);
        return ExitCodes.Ok;
    }
}
