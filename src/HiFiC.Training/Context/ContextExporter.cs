using System.Text.Json;
using HiFiC.Codec.Context;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Training.Context;

/// <summary>
/// Ships a context run as a model of its own: the frozen model's weights unchanged, its tables
/// plus the integer context model (tables version 3, so a new digest), and a card. Files the
/// frozen model wrote keep decoding with it; the new model writes files only it decodes.
/// </summary>
public static class ContextExporter
{
    public static CodecModel Export(CodecModel frozen, string runDir, LatentCache calibration, string outDir, string id, string description)
    {
        var frozenDir = frozen.Directory ?? throw new ArgumentException("The frozen model must be a model folder.");
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, ContextTrainer.StateFile))).RootElement;
        var config = ChannelContextConfig.FromJson(state.GetProperty("Config").GetRawText());
        long steps = state.GetProperty("Step").GetInt64();
        using var model = new ChannelContextModel(config);
        model.load(Path.Combine(runDir, ContextTrainer.WeightsFile));
        model.eval();
        // Calibration: every rate of the first crops (training latents: what the networks will see).
        var samples = new List<(Tensor, Tensor, Tensor)>();
        for (int i = 0; i < Math.Min(calibration.Count, 160); i += 32)
        {
            var b = calibration.Records.narrow(0, i, Math.Min(32, calibration.Count - i));
            samples.Add((b.select(1, 0), b.select(1, 1), b.select(1, 2)));
        }
        var context = IntegerChannelContextBuilder.Build(model, frozen.Tables, samples);
        var tables = frozen.Tables.WithContext(context);
        var weights = File.ReadAllBytes(Path.Combine(frozenDir, CodecModel.WeightsFile));
        var tablesBytes = tables.ToBytes();
        Directory.CreateDirectory(outDir);
        var training = new TrainingInfo(steps, 0, frozen.Card.Training?.Data ?? "", "context",
            $"channel-conditional entropy model ({config.Slices} slices, width {config.Width}) trained on cached latents of {frozen.Id} " +
            $"(digest {frozen.Digest[..12]}), transforms and hyperprior frozen; see src/HiFiC.Training/Context");
        var card = new ModelCard(id, frozen.Card.Preset, CodecModel.ComputeDigest(weights, tablesBytes), frozen.Card.Rates, training, description, DateTime.UtcNow);
        File.WriteAllBytes(Path.Combine(outDir, CodecModel.WeightsFile), weights);
        File.WriteAllBytes(Path.Combine(outDir, CodecModel.TablesFile), tablesBytes);
        File.WriteAllText(Path.Combine(outDir, CodecModel.CardFile), card.ToJson());
        return CodecModel.Load(outDir);
    }
}
