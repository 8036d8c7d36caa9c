using HiFiC.Codec.Format;
using HiFiC.Fuzz;

namespace HiFiC.Codec.Tests.Fuzz;

/// <summary>
/// One test per crash or hang the fuzzer found (docs/fuzzing.md, "Findings"): the input, kept in
/// fuzz/findings, now ends in a clean expected exception. The inputs are stored as AFL saved them
/// (before the harness's checksum fix-up); <see cref="FuzzTargets.Run"/> applies the fix-up as the
/// fuzzer did.
/// </summary>
public class FuzzFindingTests
{
    private static byte[] Finding(string name) => File.ReadAllBytes(Path.Combine(FuzzCorpusTests.Findings, name));

    /// <summary>Finding 1 (header target, first minute): a tile size of 1 with width and height near
    /// 2^32 made the harness's own checksum fix-up multiply the tile counts past long.MaxValue and
    /// allocate a negative-length array (OverflowException). A harness bug, not the codec's: the
    /// reader refuses the tile size. Fixed in FuzzTargets.WithValidChecksums (axes checked first).</summary>
    [Fact]
    public void Harness_fix_up_with_an_overflowing_tile_count_leaves_the_reader_to_refuse_it()
    {
        var input = Finding("harness-fixup-tile-count-overflow.bin");
        var fixedUp = FuzzTargets.WithValidChecksums(input);
        Assert.Equal(input, fixedUp);
        var e = Assert.Throws<HificFormatException>(() => HificReader.Open(fixedUp));
        Assert.Contains("is invalid", e.Message);
        Assert.Equal(nameof(HificFormatException), FuzzTargets.Run("header", input, null));
        Assert.Equal(nameof(HificFormatException), FuzzTargets.Run("decode", input, FuzzCorpusTests.GoldenTiny.Value));
    }
}
