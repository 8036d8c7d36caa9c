using System.CommandLine;
using Spectre.Console;
using HiFiC.Training;
using HiFiC.Training.Context;

namespace HiFiC.Cli.Train;

/// <summary>`hific train context-export`: ships a context run (see <see cref="ContextExporter"/>) as a model folder.</summary>
public sealed class TrainContextExportCommand : Command
{
    private readonly Option<string> model = new("--model") { Description = "The frozen model the run was trained on.", DefaultValueFactory = _ => "hific-lite" };
    private readonly Option<string> run = new("--run") { Description = "Context run folder.", DefaultValueFactory = _ => "runs/context" };
    private readonly Option<string?> cache = new("--cache") { Description = "Latent cache for calibration (default: <run>/cache.bin)." };
    private readonly Option<string> output = new("--out") { Description = "Model folder to write.", DefaultValueFactory = _ => "models/hific-lite-ctx" };
    private readonly Option<string?> data = new("--data") { Description = "Training photos the rebuilt integer hyper-synthesis of a joint run is calibrated on (default: the frozen model's training data)." };
    private readonly Option<bool> streamPerPhase = new("--stream-per-phase") { Description = "Code y as one rANS stream per slice and phase, as the first context models did (default: one stream per tile)." };
    private readonly Option<string> id = new("--id") { Description = "Model id.", DefaultValueFactory = _ => "hific-lite-ctx" };

    public TrainContextExportCommand(CliContext cli) : base("context-export", "Ship a context run as a new model (the frozen model's weights, its tables plus the integer context model).")
    {
        Add(model); Add(run); Add(cache); Add(output); Add(id); Add(data); Add(streamPerPhase);
        SetAction((r, ct) =>
        {
            var frozen = cli.Models.Load(r.GetValue(model));
            var runDir = r.GetValue(run)!;
            var calibration = LatentCache.Load(r.GetValue(cache) ?? Path.Combine(runDir, "cache.bin"));
            // Joint runs rebuild the integer hyper-synthesis: calibrated on the training photos when they are here.
            var images = ContextTrainer.ReadState(runDir).JointHyper
                ? ModelExporter.CalibrationImages(r.GetValue(data) ?? frozen.Card.Training?.Data, cli.Logger("HiFiC.Training.Context")) : null;
            var exported = ContextExporter.Export(frozen, runDir, calibration, r.GetValue(output)!, r.GetValue(id)!,
                $"{frozen.Id} with a channel-conditional entropy model for y (same transforms; fewer bits at equal reconstruction)", images,
                singleStream: !r.GetValue(streamPerPhase));
            cli.Out.WriteLine($"Exported {exported.Id} ({exported.Digest[..16]}) to {exported.Directory}");
            return Task.FromResult(ExitCodes.Ok);
        });
    }
}
