using System.CommandLine;
using HiFiC.Training;

namespace HiFiC.Cli.Train;

/// <summary>
/// `hific train`: runs the trainer, resuming from the latest checkpoint in --out. Ctrl+C is a
/// normal way to stop: the trainer saves a checkpoint and the command exits 0, so the same
/// command line continues later.
/// </summary>
public sealed class TrainCommand : Command
{
    private static readonly TrainerOptions Defaults = new();

    private readonly Option<string> data = new("--data") { Description = "Folder of training images.", DefaultValueFactory = _ => Defaults.DataDir };
    private readonly Option<string?> monitor = new("--monitor") { Description = "Folder of images whose fixed crops are evaluated at each checkpoint (never trained on); 'none' to skip.", DefaultValueFactory = _ => Defaults.MonitorDir };
    private readonly Option<string> output = new("--out") { Description = "Run folder: checkpoints, train.csv, monitor.csv, curves.png. An existing run there is resumed.", DefaultValueFactory = _ => Defaults.OutDir };
    private readonly Option<string> preset = new("--preset") { Description = "Network sizes: lite, paper or tiny.", DefaultValueFactory = _ => Defaults.Preset };
    private readonly Option<long> steps = new("--steps") { Description = "Train until this step (total, counting resumed steps).", DefaultValueFactory = _ => Defaults.Steps };
    private readonly Option<long> ganStart = new("--gan-start") { Description = "Step at which the discriminator joins (rate-distortion only before).", DefaultValueFactory = _ => Defaults.GanStartStep };
    private readonly Option<int> batch = new("--batch") { Description = "Images per step.", DefaultValueFactory = _ => Defaults.BatchSize };
    private readonly Option<int> crop = new("--crop") { Description = "Training crop side in pixels (multiple of 64).", DefaultValueFactory = _ => Defaults.CropSize };
    private readonly Option<double> learningRate = new("--lr") { Description = "Adam learning rate of the GAN phase (divided by 10 late in training).", DefaultValueFactory = _ => Defaults.LearningRate };
    private readonly Option<string?> init = new("--init") { Description = "Shipped model folder to continue from when --out has no checkpoint (weights, discriminator, step count and logs; fresh optimizer state)." };
    private readonly Option<double> rdLearningRate = new("--rd-lr") { Description = "Adam learning rate of the rate-distortion phase.", DefaultValueFactory = _ => Defaults.RdLearningRate };
    private readonly Option<double> kp = new("--kp") { Description = "k_P: weight of the perceptual distortion 1 - MS-SSIM.", DefaultValueFactory = _ => Defaults.KP };
    private readonly Option<double> km = new("--km") { Description = "k_M: weight of the MSE (on 0..255).", DefaultValueFactory = _ => Defaults.KM };
    private readonly Option<double> beta = new("--beta") { Description = "Weight of the generator's adversarial loss in the GAN phase.", DefaultValueFactory = _ => Defaults.Beta };
    private readonly Option<int> warmup = new("--warmup") { Description = "Steps of linear learning-rate warm-up after a start without optimizer state (fresh run, --init, an imported GPU checkpoint).", DefaultValueFactory = _ => Defaults.WarmupSteps };
    private readonly Option<double> averageDecay = new("--average-decay") { Description = "Decay of the moving average of the weights that is monitored and exported (0: the raw weights).", DefaultValueFactory = _ => Defaults.WeightAverageDecay };
    private readonly Option<int> checkpointEvery = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => Defaults.CheckpointEvery };
    private readonly Option<int> logEvery = new("--log-every") { Description = "Steps between log lines and train.csv rows.", DefaultValueFactory = _ => Defaults.LogEvery };
    private readonly Option<long> seed = new("--seed") { Description = "Seed of the initial weights, crops and noise (a run is reproducible from it).", DefaultValueFactory = _ => Defaults.Seed };

    public TrainCommand(CliContext cli) : base("train", "Train a HiFiC model (resumes the run in --out; Ctrl+C saves a checkpoint and exits 0).")
    {
        Add(data); Add(monitor); Add(output); Add(preset); Add(steps); Add(ganStart); Add(batch); Add(crop); Add(learningRate); Add(rdLearningRate); Add(init);
        Add(kp); Add(km); Add(averageDecay); Add(warmup); Add(beta);
        Add(checkpointEvery); Add(logEvery); Add(seed);
        Add(new TrainExportCommand(cli));
        Add(new TrainCalibrateCommand(cli));
        Add(new TrainPlotCommand(cli));
        Add(new TrainContextCommand(cli));
        Add(new TrainContextExportCommand(cli));
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var dataDir = r.GetValue(data)!;
        if (!Directory.Exists(dataDir)) throw new UsageException($"Training data folder not found: {dataDir}");
        var monitorDir = r.GetValue(monitor);
        if (string.Equals(monitorDir, "none", StringComparison.OrdinalIgnoreCase)) monitorDir = null;
        var options = new TrainerOptions
        {
            DataDir = dataDir,
            MonitorDir = monitorDir,
            OutDir = r.GetValue(output)!,
            Preset = r.GetValue(preset)!,
            Steps = r.GetValue(steps),
            GanStartStep = r.GetValue(ganStart),
            BatchSize = r.GetValue(batch),
            CropSize = r.GetValue(crop),
            LearningRate = r.GetValue(learningRate),
            RdLearningRate = r.GetValue(rdLearningRate),
            InitFrom = r.GetValue(init),
            KP = r.GetValue(kp),
            KM = r.GetValue(km),
            WeightAverageDecay = r.GetValue(averageDecay),
            WarmupSteps = r.GetValue(warmup),
            Beta = r.GetValue(beta),
            CheckpointEvery = r.GetValue(checkpointEvery),
            LogEvery = r.GetValue(logEvery),
            Threads = TorchSharp.torch.get_num_threads(),
            Seed = r.GetValue(seed),
        };
        Trainer trainer;
        try
        {
            if (options.CheckpointEvery < 1 || options.LogEvery < 1) throw new ArgumentException("--checkpoint-every and --log-every must be at least 1.");
            Codec.Networks.HificPreset.ByName(options.Preset);
            trainer = new Trainer(options, cli.Logger("HiFiC.Training.Trainer"));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        long step;
        try
        {
            step = trainer.Run(ct);
        }
        catch (InvalidOperationException e)
        {
            // A run folder of another preset, or no usable images: the user's setup, not a bug.
            throw new CliException(ExitCodes.InputsFailed, e.Message);
        }
        if (ct.IsCancellationRequested)
            cli.Info($"Stopped at step {step}; checkpoint saved in {Path.Combine(options.OutDir, "checkpoints")}. Run the same command to resume.");
        else
            cli.Info($"Finished at step {step}. Export it with: hific train export --run {options.OutDir} --id <id>");
        return ExitCodes.Ok;
    }
}
