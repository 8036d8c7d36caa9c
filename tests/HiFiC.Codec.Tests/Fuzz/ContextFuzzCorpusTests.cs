using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;
using HiFiC.Fuzz;

namespace HiFiC.Codec.Tests.Fuzz;

/// <summary>
/// Seeds of the decode target for the single-stream context path (fuzz/corpus/decode-ctx: files the
/// shipped hific-lite-ctx wrote, a 64 px tile, edge tiles of 128 px, a 256 px tile), decoded with
/// that model's tables as `HiFiC.Fuzz decode --model models/hific-lite-ctx` does: each decodes
/// whole, and mutations of them (checksums fixed up, so they reach the y stream) fail only the
/// documented ways.
/// </summary>
public class ContextFuzzCorpusTests
{
    private static readonly Lazy<FuzzModel> LiteCtx = new(() => FuzzModel.Load(Path.Combine(RepoPaths.Models, "hific-lite-ctx")));

    private static string[] Seeds() => Directory.GetFiles(FuzzCorpusTests.Corpus("decode-ctx"), "*.hific").Order().ToArray();

    [Fact]
    public void The_seeds_are_files_of_the_shipped_single_stream_model_and_decode_whole()
    {
        var model = LiteCtx.Value;
        Assert.True(model.Tables.Context!.Config.SingleStream, "the shipped hific-lite-ctx should code y in one stream per tile");
        var seeds = Seeds();
        Assert.True(seeds.Length >= 3, $"only {seeds.Length} seeds");
        foreach (var seed in seeds)
        {
            var bytes = File.ReadAllBytes(seed);
            using (var reader = HificReader.Open(bytes))
                Assert.Equal(Convert.ToHexStringLower(model.Digest), Convert.ToHexStringLower(reader.Header.WeightsDigest));
            Assert.Null(FuzzTargets.Run("decode", bytes, model));
        }
    }

    [Fact]
    public void Mutated_seeds_meet_only_expected_errors()
    {
        var model = LiteCtx.Value;
        var rng = new Random(16);
        var outcomes = new Dictionary<string, int>();
        foreach (var seed in Seeds())
        {
            var bytes = File.ReadAllBytes(seed);
            for (int i = 0; i < 60; i++)
            {
                var mutated = (byte[])bytes.Clone();
                int flips = 1 + rng.Next(4);
                // Past the header, where the streams are.
                for (int f = 0; f < flips; f++) mutated[bytes.Length / 3 + rng.Next(bytes.Length - bytes.Length / 3)] ^= (byte)(1 << rng.Next(8));
                var outcome = FuzzTargets.Run("decode", mutated, model) ?? "ok";
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
        Assert.True(outcomes.GetValueOrDefault(nameof(EntropyDecodeException)) >= 1, string.Join(", ", outcomes));
    }
}
