using System.Security.Cryptography;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Models;

/// <summary>
/// A model ready to code: the network in eval mode, its entropy tables, its card and the digest
/// that identifies it in .hific files. On disk it is a folder: model.json (card), weights.bin
/// (float16 state, TorchSharp format) and tables.bin.
/// </summary>
public sealed class CodecModel : IDisposable
{
    public const string CardFile = "model.json";
    public const string WeightsFile = "weights.bin";
    public const string TablesFile = "tables.bin";

    /// <summary>The rate name used when none is given.</summary>
    public const string DefaultRateName = "mi";

    /// <summary>
    /// The rate t a name from the card stands for (case-insensitive). <see cref="DefaultRateName"/>
    /// on a card without it is the middle level; any other unknown name is an <see cref="ArgumentException"/>.
    /// </summary>
    public double RateNamed(string name) =>
        !Card.Rates.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        && string.Equals(name, DefaultRateName, StringComparison.OrdinalIgnoreCase)
            ? (Preset.RateLevels - 1) / 2.0
            : Card.RateByName(name);

    public ModelCard Card { get; }
    public HificModel Network { get; }
    public EntropyTables Tables { get; }
    public string Digest => Card.Digest;
    public string Id => Card.Id;
    public HificPreset Preset => Network.Preset;
    /// <summary>The folder it was loaded from (null for in-memory models).</summary>
    public string? Directory { get; }

    /// <summary>The device the network runs on (<see cref="TorchRuntime.Device"/> when the model was made).</summary>
    public Device Device { get; }

    private CodecModel(ModelCard card, HificModel network, EntropyTables tables, string? directory)
    {
        Card = card; Network = network; Tables = tables; Directory = directory;
        network.eval();
        // Tables and the integer hyper-synthesis were built on the CPU; only the network moves.
        Device = TorchRuntime.Device;
        if (Device.type != DeviceType.CPU) network.to(Device);
        // A codec model's weights never change (training works on its own HificModel), so the generator
        // may precompute its fast convolutions.
        network.Generator.Freeze();
    }

    public static CodecModel Load(string directory)
    {
        var cardPath = Path.Combine(directory, CardFile);
        if (!File.Exists(cardPath)) throw new FileNotFoundException($"No model card ({CardFile}) in {directory}.");
        var card = ModelCard.FromJson(File.ReadAllText(cardPath), cardPath);
        var weights = File.ReadAllBytes(Path.Combine(directory, WeightsFile));
        var tablesBytes = File.ReadAllBytes(Path.Combine(directory, TablesFile));
        var digest = ComputeDigest(weights, tablesBytes);
        if (!string.Equals(digest, card.Digest, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Model {card.Id} in {directory} is damaged: its files hash to {digest[..16]}… but its card says {card.Digest[..Math.Min(16, card.Digest.Length)]}….");
        var network = new HificModel(HificPreset.ByName(card.Preset));
        network.to(ScalarType.Float16);
        using (var ms = new MemoryStream(weights)) network.load(ms);
        network.to(ScalarType.Float32);
        return new CodecModel(card, network, EntropyTables.FromBytes(tablesBytes), directory);
    }

    /// <summary>
    /// Rounds the network's weights to float16 (the shipped precision), builds the entropy tables
    /// and the integer hyper-synthesis from the rounded network (activation ranges calibrated on
    /// <paramref name="calibrationImages"/>, by default a few synthetic ones), and writes the
    /// folder. Returns the loaded model.
    /// </summary>
    public static CodecModel Export(HificModel network, string directory, string id, IReadOnlyList<RatePoint> rates,
        TrainingInfo? training, string description, IReadOnlyList<RgbImage>? calibrationImages = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        network.eval();
        network.to(ScalarType.Float16);
        byte[] weights;
        using (var ms = new MemoryStream()) { network.save(ms); weights = ms.ToArray(); }
        network.to(ScalarType.Float32);
        var tables = EntropyTables.Build(network, Calibrate(network, calibrationImages));
        var tablesBytes = tables.ToBytes();
        var card = new ModelCard(id, network.Preset.Name, ComputeDigest(weights, tablesBytes), rates, training, description, DateTime.UtcNow);
        File.WriteAllBytes(Path.Combine(directory, WeightsFile), weights);
        File.WriteAllBytes(Path.Combine(directory, TablesFile), tablesBytes);
        File.WriteAllText(Path.Combine(directory, CardFile), card.ToJson());
        return new CodecModel(card, network, tables, directory);
    }

    /// <summary>An in-memory model (tests, untrained seeds): float32 weights, tables built now.</summary>
    public static CodecModel FromNetwork(HificModel network, string id, IReadOnlyList<RatePoint>? rates = null, bool legacyTables = false)
    {
        network.eval();
        var tables = legacyTables ? EntropyTables.BuildLegacy(network) : EntropyTables.Build(network, Calibrate(network, null));
        byte[] weights;
        using (var ms = new MemoryStream()) { network.save(ms); weights = ms.ToArray(); }
        var card = new ModelCard(id, network.Preset.Name, ComputeDigest(weights, tables.ToBytes()),
            rates ?? DefaultRates(network.Preset.RateLevels), null, "in-memory model", DateTime.UtcNow);
        return new CodecModel(card, network, tables, null);
    }

    /// <summary>This model's network with a context model added to its tables: an in-memory model with its own digest (tests).</summary>
    public CodecModel WithContext(Context.IntegerChannelContext context, string id)
    {
        var tables = Tables.WithContext(context);
        byte[] weights;
        using (var ms = new MemoryStream()) { Network.save(ms); weights = ms.ToArray(); }
        var card = Card with { Id = id, Digest = ComputeDigest(weights, tables.ToBytes()) };
        return new CodecModel(card, Network, tables, null);
    }

    private static List<ZSample> Calibrate(HificModel network, IReadOnlyList<RgbImage>? images)
    {
        network.eval();
        return IntegerHyperpriorBuilder.CalibrationLatents(network, images ?? IntegerHyperpriorBuilder.SyntheticImages());
    }

    public static IReadOnlyList<RatePoint> DefaultRates(int levels)
    {
        string[] names = ["lo", "mi", "hi"];
        double[] targets = [0.14, 0.30, 0.45];
        return Enumerable.Range(0, levels).Select(i => new RatePoint(i < 3 && levels == 3 ? names[i] : $"level{i}", i, i < 3 ? targets[i] : 0.5)).ToList();
    }

    /// <summary>SHA-256 over the weights then the tables, lowercase hex.</summary>
    public static string ComputeDigest(byte[] weights, byte[] tables)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(weights);
        sha.AppendData(tables);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public byte[] DigestBytes => Convert.FromHexString(Digest);

    public void Dispose() => Network.Dispose();
}
