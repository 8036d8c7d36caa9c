using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.Codec.Tests.Coding;

namespace HiFiC.Codec.Tests.Golden;

/// <summary>
/// .hific files committed under tests/golden with the hashes of what they decode to: the symbols
/// (latent hash) and y-hat, the exact input of the generator. A change to the format, the entropy
/// coder, the tables, the integer hyper-synthesis or model loading that would break archives
/// already written fails here. Never regenerate a golden file to make this pass: old archives
/// cannot be regenerated either. Their models are found by digest in tests/golden/models and
/// models/ (retired versions included).
/// Files of format version 1 (single-state rANS) and version 2 (interleaved) are both here: the version a
/// file carries selects its stream decoder, and old files must keep decoding bit-exactly.
/// Record mode (HIFIC_GOLDEN_RECORD=1) writes what is missing: the golden-tiny model, its files,
/// and manifest entries for golden files that have none; it never rewrites an existing one.
/// </summary>
public class GoldenFileTests
{
    private const string ManifestName = "golden.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public sealed record GoldenEntry(string File, string Model, string Digest, int Width, int Height, string LatentHash, string YHatHash);

    private static ModelRegistry Registry => new([Path.Combine(RepoPaths.Golden, "models"), RepoPaths.Models]);

    public static IEnumerable<object[]> Entries() => ReadManifest().Select(e => new object[] { e.File });

    [Fact]
    public void Every_golden_file_has_a_manifest_entry_and_there_are_some()
    {
        if (Environment.GetEnvironmentVariable("HIFIC_GOLDEN_RECORD") == "1") Record();
        var files = Directory.EnumerateFiles(RepoPaths.Golden, "*.hific").Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.True(files.Count >= 3, $"only {files.Count} golden files");
        Assert.Equal(files, ReadManifest().Select(e => e.File).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void A_golden_file_decodes_to_the_recorded_latents(string file)
    {
        var entry = ReadManifest().Single(e => e.File == file);
        var actual = Measure(Path.Combine(RepoPaths.Golden, file));
        // Legacy files (float hyper-synthesis, models from before the integer one) decode exactly only
        // with the float kernels that wrote them (NCHW), not with the channels-last ones the networks use
        // now (docs/codec.md): for them, that they still decode, to the right size.
        if (IsLegacy(entry))
        {
            Assert.Equal((entry.Width, entry.Height), (actual.Width, actual.Height));
            return;
        }
        Assert.Equal(entry, actual);
    }

    private static GoldenEntry Measure(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var reader = HificReader.Open(bytes);
        var header = reader.Header;
        var model = Registry.LoadByDigest(Convert.ToHexStringLower(header.WeightsDigest), header.ModelId);
        var decoded = new HificDecoder(model).Decompress(new MemoryStream(bytes));
        Assert.Equal(header.Width, decoded.Image.Width);

        // y-hat of every tile, hashed in raster order.
        var layout = new TileLayout(header.Width, header.Height, header.TileSize);
        using var codec = new LatentCodec(model);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int t = 0; t < reader.Tiles.Count; t++)
        {
            var tile = reader.ReadTile(t);
            var core = layout.Core(t);
            var (yHat, _, _) = codec.Decode(tile.Z, tile.Y, core.Height / 16, core.Width / 16, reader.StreamLayout);
            using (yHat) sha.AppendData(MemoryMarshal.AsBytes(yHat.data<float>().ToArray().AsSpan()));
        }
        return new GoldenEntry(Path.GetFileName(path), header.ModelId, model.Digest, header.Width, header.Height,
            decoded.LatentHash!, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static bool IsLegacy(GoldenEntry entry)
    {
        using var model = Registry.LoadByDigest(entry.Digest, entry.Model);
        return model.Tables.Hyper is null;
    }

    private static List<GoldenEntry> ReadManifest()
    {
        var path = Path.Combine(RepoPaths.Golden, ManifestName);
        return File.Exists(path) ? JsonSerializer.Deserialize<List<GoldenEntry>>(File.ReadAllText(path), Json)! : [];
    }

    private static void Record()
    {
        var modelDir = Path.Combine(RepoPaths.Golden, "models", "golden-tiny");
        if (!File.Exists(Path.Combine(modelDir, CodecModel.CardFile)))
            CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 2026), modelDir, "golden-tiny",
                CodecModel.DefaultRates(HificPreset.Tiny.RateLevels), null, "a seeded tiny model that exists to pin golden files; never re-export it").Dispose();
        var tiny = CodecModel.Load(modelDir);
        WriteIfMissing("tiny-photo-tiled.hific", tiny, TestModels.Loaded(TestModels.Photo(200, 150, seed: 21)), new CompressOptions { TileSize = 64, Rate = 1 });
        var grey = TestModels.Photo(96, 80, seed: 22);
        var alpha = Enumerable.Range(0, 96 * 80).Select(i => (byte)(i * 7 % 256)).ToArray();
        WriteIfMissing("tiny-grey-alpha.hific", tiny, new LoadedImage(grey, new SourceColor(1, 16, true), alpha), new CompressOptions { TileSize = 128, Rate = 0.5 });

        // Format version 2 (interleaved rANS): a tile whose y stream has 2048 symbols beside edge tiles
        // under the 1024-symbol threshold, and the sample photo as the shipped models code it, y in one
        // stream (hific-lite) and in context slices (hific-lite-ctx), at the settings of their version-1 files.
        WriteIfMissing("tiny-photo-v2.hific", tiny, TestModels.Loaded(TestModels.Photo(300, 200, seed: 23)), new CompressOptions { TileSize = 256, Rate = 1 });
        var flower = ImageIO.Load(Path.Combine(RepoPaths.Samples, "B01_flower.png"));
        foreach (var (id, prefix, rate) in new[] { ("hific-lite", "lite", 1.0), ("hific-lite-ctx", "lite-ctx", (double)0.86f) })
        {
            using var shipped = Registry.Load(id);
            WriteIfMissing($"{prefix}-{shipped.Digest[..8]}-flower-v2.hific", shipped, flower, new CompressOptions { TileSize = 512, Rate = rate });
        }

        var entries = ReadManifest();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Golden, "*.hific").Order())
            if (!entries.Any(e => e.File == Path.GetFileName(file))) entries.Add(Measure(file));
        File.WriteAllText(Path.Combine(RepoPaths.Golden, ManifestName), JsonSerializer.Serialize(entries.OrderBy(e => e.File, StringComparer.Ordinal), Json) + "\n");
    }

    private static void WriteIfMissing(string name, CodecModel model, LoadedImage image, CompressOptions options)
    {
        var path = Path.Combine(RepoPaths.Golden, name);
        if (File.Exists(path)) return;
        using var file = File.Create(path);
        new HificEncoder(model).Compress(image, file, options);
    }
}
