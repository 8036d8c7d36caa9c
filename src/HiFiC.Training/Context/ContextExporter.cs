using HiFiC.Codec.Context;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training.Context;

/// <summary>
/// Ships a context run as a model of its own: the frozen model's transforms unchanged, its tables
/// plus the integer context model (tables version 3, so a new digest), and a card. A joint run
/// (retrained hyperprior) also replaces the hyper networks and z prior in the weights, and the
/// tables and integer hyper-synthesis are rebuilt from them. Files the frozen model wrote keep
/// decoding with it; the new model writes files only it decodes. The run's float checkpoint is
/// copied to &lt;model&gt;/training/run/ so a fresh machine resumes from it
/// (scripts/train-context.sh).
/// </summary>
public static class ContextExporter
{
    /// <summary>Where in a model folder the float checkpoint of its context run is kept.</summary>
    public static readonly string RunFolder = Path.Combine("training", "run");

    /// <summary>Files of a run that seed the next one; each must stay small enough for git.</summary>
    private static readonly string[] RunFiles = [ContextTrainer.StateFile, ContextTrainer.WeightsFile, ContextTrainer.HyperFile, "train.csv", "valid.csv"];
    public const long MaxRunFileBytes = 40L * 1000 * 1000;

    /// <param name="calibrationImages">Joint runs: images the rebuilt integer hyper-synthesis is calibrated on (null: synthetic).</param>
    /// <param name="singleStream">The model codes each tile's y as one rANS stream (<see cref="ChannelContextConfig.SingleStream"/>); false: one per slice and phase, as the first models did.</param>
    public static CodecModel Export(CodecModel frozen, string runDir, LatentCache calibration, string outDir, string id, string description,
        IReadOnlyList<RgbImage>? calibrationImages = null, bool singleStream = true)
    {
        var frozenDir = frozen.Directory ?? throw new ArgumentException("The frozen model must be a model folder.");
        var state = ContextTrainer.ReadState(runDir);
        var config = state.Config with { SingleStream = singleStream };
        using var model = new ChannelContextModel(config);
        model.load(Path.Combine(runDir, ContextTrainer.WeightsFile));
        model.eval();
        // Checked before anything is written: a checkpoint too big for git must not half-replace a model.
        foreach (var f in RunFiles.Select(f => Path.Combine(runDir, f)).Where(File.Exists))
            if (new FileInfo(f).Length > MaxRunFileBytes) throw new InvalidDataException($"{f} is over {MaxRunFileBytes / 1000 / 1000} MB: too big to ship with the model");
        Directory.CreateDirectory(outDir);

        CodecModel basis = frozen;
        MeanScaleHyperprior? hyper = null;
        if (state.JointHyper)
        {
            // The frozen weights with the retrained hyperprior; CodecModel.Export rounds to float16 (the
            // transforms were float16 already, so they stay bit-identical) and rebuilds tables and integer hyper.
            var network = new HificModel(frozen.Preset);
            network.load_state_dict(frozen.Network.state_dict());
            network.Hyperprior.load(Path.Combine(runDir, ContextTrainer.HyperFile));
            basis = CodecModel.Export(network, outDir, id, frozen.Card.Rates, null, description, calibrationImages);
            hyper = basis.Network.Hyperprior;
        }

        // Calibration: every rate of the first crops (training latents: what the networks will see).
        var samples = new List<(Tensor, Tensor, Tensor)>();
        using (no_grad())
            for (int i = 0; i < Math.Min(calibration.Count, 160); i += 32)
            {
                var b = calibration.Records.narrow(0, i, Math.Min(32, calibration.Count - i));
                var y = b.select(1, 0);
                if (hyper is null) samples.Add((y, b.select(1, 1), b.select(1, 2)));
                else
                {
                    var z = hyper.Analysis.forward(y).round();
                    samples.Add((y, hyper.MeanSynthesis.forward(z), hyper.ScaleSynthesis.forward(z)));
                }
            }
        var context = IntegerChannelContextBuilder.Build(model, basis.Tables, samples);
        var tables = basis.Tables.WithContext(context);
        var weights = File.ReadAllBytes(Path.Combine(state.JointHyper ? outDir : frozenDir, CodecModel.WeightsFile));
        var tablesBytes = tables.ToBytes();
        var training = new TrainingInfo(state.Step, 0, frozen.Card.Training?.Data ?? "", "context",
            $"channel-conditional entropy model ({config.Slices} slices, width {config.Width}) trained on cached latents of {frozen.Id} " +
            $"(digest {frozen.Digest[..12]}), transforms frozen, hyperprior {(state.JointHyper ? "retrained jointly" : "frozen")}; see src/HiFiC.Training/Context");
        var card = new ModelCard(id, frozen.Card.Preset, CodecModel.ComputeDigest(weights, tablesBytes), frozen.Card.Rates, training, description, DateTime.UtcNow);
        if (!state.JointHyper) File.WriteAllBytes(Path.Combine(outDir, CodecModel.WeightsFile), weights);
        else basis.Dispose();
        File.WriteAllBytes(Path.Combine(outDir, CodecModel.TablesFile), tablesBytes);
        File.WriteAllText(Path.Combine(outDir, CodecModel.CardFile), card.ToJson());
        CopyRun(runDir, Path.Combine(outDir, RunFolder));
        return CodecModel.Load(outDir);
    }

    /// <summary>The run's float checkpoint and curves (not its latent cache or log) into <paramref name="target"/>, replacing what was there.</summary>
    public static void CopyRun(string runDir, string target)
    {
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.CreateDirectory(target);
        foreach (var f in RunFiles)
        {
            var source = Path.Combine(runDir, f);
            if (File.Exists(source)) File.Copy(source, Path.Combine(target, f));
        }
    }
}
