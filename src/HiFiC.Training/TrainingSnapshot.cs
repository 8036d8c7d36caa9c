using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training;

/// <summary>
/// What a shipped model folder keeps of its training, in training/: the discriminator, the step
/// count and hours, and the CSV logs and curves. Enough for the next machine to continue the run
/// from the committed weights (only the optimizer moments are lost; Adam re-estimates them in a
/// few hundred steps).
/// </summary>
public static class TrainingSnapshot
{
    public const string Folder = "training";
    private const string DiscriminatorFile = "discriminator.bin";
    private static readonly string[] Logs = ["train.csv", "monitor.csv", "curves.png"];

    public static void Save(string modelDir, string runDir, string checkpointDir)
    {
        var dir = Path.Combine(modelDir, Folder);
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(checkpointDir, DiscriminatorFile), Path.Combine(dir, DiscriminatorFile), true);
        foreach (var name in Logs)
            if (File.Exists(Path.Combine(runDir, name))) File.Copy(Path.Combine(runDir, name), Path.Combine(dir, name), true);
    }

    public static Checkpoint.State Restore(string modelDir, string runDir, HificModel model, Discriminator disc)
    {
        using var shipped = CodecModel.Load(modelDir);
        using (no_grad())
            model.load_state_dict(shipped.Network.state_dict());
        var dir = Path.Combine(modelDir, Folder);
        if (File.Exists(Path.Combine(dir, DiscriminatorFile))) disc.load(Path.Combine(dir, DiscriminatorFile));
        Directory.CreateDirectory(runDir);
        foreach (var name in Logs)
            if (File.Exists(Path.Combine(dir, name)) && !File.Exists(Path.Combine(runDir, name)))
                File.Copy(Path.Combine(dir, name), Path.Combine(runDir, name));
        var t = shipped.Card.Training;
        return new Checkpoint.State(t?.Steps ?? 0, shipped.Card.Preset, DateTime.UtcNow, (t?.Hours ?? 0) * 3600, t?.Phase, t?.Data);
    }
}
