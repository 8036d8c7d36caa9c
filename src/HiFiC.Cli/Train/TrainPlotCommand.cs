using System.CommandLine;
using HiFiC.Training;
using Spectre.Console;

namespace HiFiC.Cli.Train;

/// <summary>
/// `hific train plot`: redraws a run's curves.png from its train.csv and monitor.csv, e.g. after
/// tools/gpu-train/import_run.py appended a GPU run's logs (the trainer draws only at checkpoints).
/// </summary>
public sealed class TrainPlotCommand : Command
{
    private readonly Option<string> run = new("--run") { Description = "Run folder written by 'hific train' (--out there).", Required = true };

    public TrainPlotCommand(CliContext cli) : base("plot", "Redraw a training run's curves.png from its CSV logs.")
    {
        Add(run);
        SetAction(r =>
        {
            var dir = r.GetValue(run)!;
            if (!Directory.Exists(dir)) throw new UsageException($"Run folder not found: {dir}");
            var log = new TrainingLog(dir);
            if (!File.Exists(log.TrainCsv)) throw new UsageException($"No {Path.GetFileName(log.TrainCsv)} in {dir}.");
            log.Plot();
            cli.Out.WriteLine($"Wrote {log.PlotPng}");
            return ExitCodes.Ok;
        });
    }
}
