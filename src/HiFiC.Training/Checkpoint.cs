using System.Text.Json;
using HiFiC.Codec.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// A resumable snapshot: model, discriminator, both optimizers' states and the step. Data order
/// and noise are derived from (seed, step), so resuming continues exactly where it stopped.
/// Written to a temporary folder and renamed, so a run killed mid-save keeps its last good one.
/// model-average.bin holds the weight average (<see cref="WeightAverage"/>), which is what ships;
/// checkpoints from before it existed have none and the average restarts from the raw weights.
/// </summary>
public static class Checkpoint
{
    /// <param name="Settings">The loss weights, rate targets and learning rates in force when it was saved (<see cref="TrainerOptions.Describe"/>).</param>
    /// <param name="WarmupEnd">The step at which the learning-rate warm-up of the last optimizer restart ends (see TrainerOptions.WarmupSteps).</param>
    public sealed record State(long Step, string Preset, DateTime SavedUtc, double TrainingSeconds, string? Phase = null, string? DataDir = null,
        string? Settings = null, long? WarmupEnd = null);

    private const string LatestFile = "latest";
    public const string AverageFile = "model-average.bin";
    private const string GainsOptimizerFile = "optimizer-gains.bin";

    public static void Save(string outDir, State state, HificModel model, Discriminator disc, OptimizerHelper optG, OptimizerHelper optD,
        HificModel? average = null, OptimizerHelper? optGains = null, int keep = 3)
    {
        var root = Path.Combine(outDir, "checkpoints");
        Directory.CreateDirectory(root);
        var name = $"step-{state.Step:D8}";
        var tmp = Path.Combine(root, name + ".tmp");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        model.save(Path.Combine(tmp, "model.bin"));
        average?.save(Path.Combine(tmp, AverageFile));
        disc.save(Path.Combine(tmp, "discriminator.bin"));
        optG.save_state_dict(Path.Combine(tmp, "optimizer-g.bin"));
        optD.save_state_dict(Path.Combine(tmp, "optimizer-d.bin"));
        optGains?.save_state_dict(Path.Combine(tmp, GainsOptimizerFile));
        File.WriteAllText(Path.Combine(tmp, "state.json"), JsonSerializer.Serialize(state));
        var final = Path.Combine(root, name);
        if (Directory.Exists(final)) Directory.Delete(final, true);
        Directory.Move(tmp, final);
        File.WriteAllText(Path.Combine(root, LatestFile + ".tmp"), name);
        File.Move(Path.Combine(root, LatestFile + ".tmp"), Path.Combine(root, LatestFile), true);
        foreach (var old in Directory.GetDirectories(root, "step-*").Where(d => !d.EndsWith(".tmp")).Order().SkipLast(keep))
            Directory.Delete(old, true);
    }

    /// <summary>The latest complete checkpoint folder, or null when the run has none.</summary>
    public static string? Latest(string outDir)
    {
        var pointer = Path.Combine(outDir, "checkpoints", LatestFile);
        if (!File.Exists(pointer)) return null;
        var dir = Path.Combine(outDir, "checkpoints", File.ReadAllText(pointer).Trim());
        return File.Exists(Path.Combine(dir, "state.json")) ? dir : null;
    }

    public static State ReadState(string checkpointDir) =>
        JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(checkpointDir, "state.json")))
        ?? throw new InvalidDataException($"Unreadable checkpoint state in {checkpointDir}.");

    public static bool HasAverage(string dir) => File.Exists(Path.Combine(dir, AverageFile));

    /// <summary>The weights to ship: the average where the checkpoint has one, else the raw weights.</summary>
    public static void LoadShippable(string dir, HificModel model) =>
        model.load(Path.Combine(dir, HasAverage(dir) ? AverageFile : "model.bin"));

    /// <summary>
    /// Loads what <paramref name="dir"/> holds. Optimizer states are loaded where their files exist;
    /// a checkpoint imported from a GPU run (tools/gpu-train) has none, and the optimizers then start
    /// fresh. Returns whether the main optimizer's state was restored.
    /// </summary>
    /// <param name="optGains">Loaded when the checkpoint has its state; older checkpoints start it fresh.</param>
    public static bool LoadInto(string dir, HificModel model, Discriminator? disc = null, OptimizerHelper? optG = null, OptimizerHelper? optD = null,
        OptimizerHelper? optGains = null)
    {
        model.load(Path.Combine(dir, "model.bin"));
        disc?.load(Path.Combine(dir, "discriminator.bin"));
        bool restored = File.Exists(Path.Combine(dir, "optimizer-g.bin"));
        if (restored) optG?.load_state_dict(Path.Combine(dir, "optimizer-g.bin"));
        if (File.Exists(Path.Combine(dir, "optimizer-d.bin"))) optD?.load_state_dict(Path.Combine(dir, "optimizer-d.bin"));
        if (optGains is not null && File.Exists(Path.Combine(dir, GainsOptimizerFile)))
            optGains.load_state_dict(Path.Combine(dir, GainsOptimizerFile));
        return restored;
    }
}
