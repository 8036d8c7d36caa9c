using System.Diagnostics;
using HiFiC.Codec.Format;
using HiFiC.Codec.Tests.Golden;
using HiFiC.Fuzz;

namespace HiFiC.Codec.Tests.Fuzz;

/// <summary>
/// The committed fuzz corpus (fuzz/corpus, minimised from the AFL runs of docs/fuzzing.md) and every
/// finding (fuzz/findings) through both targets in-process, without AFL: only the expected
/// exceptions may come out, each run stays within the allocation bound the fuzzer's heap limit is
/// derived from, and the whole lot is quick.
/// </summary>
public class FuzzCorpusTests
{
    internal static readonly Lazy<FuzzModel> GoldenTiny = new(() => FuzzModel.Load(Path.Combine(RepoPaths.Golden, "models", "golden-tiny")));

    internal static string Corpus(string target) => Path.Combine(RepoPaths.Root, "fuzz", "corpus", target);

    internal static string Findings => Path.Combine(RepoPaths.Root, "fuzz", "findings");

    [Theory]
    [InlineData("header")]
    [InlineData("decode")]
    public void Every_corpus_input_and_finding_gives_only_expected_outcomes_within_the_allocation_bound(string target)
    {
        var files = Directory.GetFiles(Corpus(target)).Concat(Directory.GetFiles(Findings)).Order().ToList();
        Assert.True(files.Count >= 10, $"only {files.Count} inputs for {target}");
        var model = GoldenTiny.Value;
        FuzzTargets.Run(target, File.ReadAllBytes(files[0]), model); // JIT outside the measurement
        var outcomes = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            long before = GC.GetAllocatedBytesForCurrentThread();
            string outcome;
            try
            {
                outcome = FuzzTargets.Run(target, bytes, model) ?? "ok";
            }
            catch (Exception e)
            {
                Assert.Fail($"{target} crashes on {Path.GetRelativePath(RepoPaths.Root, file)}: {e}");
                throw;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long bound = Bound(target, bytes, model);
            Assert.True(allocated <= bound, $"{target} allocated {allocated} bytes on {Path.GetFileName(file)}; the bound is {bound}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{files.Count} inputs took {watch.Elapsed}");
        // The corpus must reach past the reader: some inputs are accepted whole, some refused.
        Assert.True(outcomes.GetValueOrDefault("ok") >= 3, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(HificFormatException)) >= 1, string.Join(", ", outcomes));
        if (target == "decode")
            Assert.True(outcomes.GetValueOrDefault("EntropyDecodeException") >= 1, string.Join(", ", outcomes));
    }

    private static long Bound(string target, byte[] bytes, FuzzModel model)
    {
        if (target == "header")
            return AllocationBound.HeaderBytes(bytes.Length);
        try
        {
            using var reader = HificReader.Open(FuzzTargets.WithValidChecksums(bytes));
            return AllocationBound.DecodeBytes(model, bytes.Length, reader.Header.TileSize, reader.Tiles.Count);
        }
        catch (HificFormatException)
        {
            return AllocationBound.HeaderBytes(bytes.Length);
        }
    }

    [Theory]
    [InlineData("header")]
    [InlineData("decode")]
    public void The_corpus_stays_small(string target)
    {
        var sizes = Directory.GetFiles(Corpus(target)).Select(f => new FileInfo(f).Length).ToList();
        Assert.All(sizes, s => Assert.True(s <= 1 << 20));
        Assert.True(sizes.Sum() <= 512 * 1024, $"fuzz/corpus/{target} holds {sizes.Sum()} bytes");
    }

    [Fact]
    public void The_checksum_fix_up_leaves_valid_files_as_they_are()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Golden, "*.hific"))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(bytes, FuzzTargets.WithValidChecksums(bytes));
        }
    }

    [Fact]
    public void The_checksum_fix_up_lets_a_mutated_file_past_the_checksums()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Golden, "tiny-photo-tiled.hific"));
        using var original = HificReader.Open(bytes);
        var mutated = (byte[])bytes.Clone();
        mutated[^1] ^= 0x40; // inside the last tile's y stream
        Assert.Contains("checksum", Assert.Throws<HificFormatException>(() => FuzzTargets.Header(mutated)).Message);
        var fixedUp = FuzzTargets.WithValidChecksums(mutated);
        FuzzTargets.Header(fixedUp);
        Assert.Equal("EntropyDecodeException", FuzzTargets.Run("decode", mutated, GoldenTiny.Value));
    }

    [Fact]
    public void Mutated_streams_of_a_version_2_file_reach_the_interleaved_decoder_and_fail_cleanly()
    {
        // A 256-pixel tile of golden-tiny: its y stream has 2048 symbols, so the interleaved decoder reads it.
        var bytes = File.ReadAllBytes(Path.Combine(Corpus("decode"), "v2-escapes-tile256.hific"));
        using (var reader = HificReader.Open(bytes))
        {
            Assert.Equal(2, reader.FormatVersion);
            Assert.Null(FuzzTargets.Run("decode", bytes, GoldenTiny.Value));
        }
        long payloadStart;
        using (var reader = HificReader.Open(bytes)) payloadStart = reader.Tiles[0].Offset + reader.Tiles[0].ZLength;
        var random = new Random(11);
        var outcomes = new Dictionary<string, int>();
        for (int trial = 0; trial < 1500; trial++)
        {
            var mutated = (byte[])bytes.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
                mutated[random.Next((int)payloadStart, mutated.Length)] ^= (byte)(1 << random.Next(8));
            var outcome = FuzzTargets.Run("decode", mutated, GoldenTiny.Value) ?? "ok";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // Only expected outcomes come back (anything else escaped above); most damage is caught.
        Assert.True(outcomes.GetValueOrDefault("EntropyDecodeException") > 1000, string.Join(", ", outcomes));
    }

    [Fact]
    public void The_fuzzer_heap_limit_covers_the_bound_at_the_largest_input_and_tile()
    {
        // scripts/fuzz.sh: -G 131072, DOTNET_GCHeapHardLimit=0x20000000 (512 MiB). The runtime and
        // the harness's own copies need room too, so the bound must leave at least half of it.
        long peak = AllocationBound.HeaderBytes(131072) + AllocationBound.TileBytes(GoldenTiny.Value, 4096);
        Assert.True(peak <= 0x20000000 / 2, $"bound {peak} bytes");
    }
}
