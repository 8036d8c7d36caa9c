using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

/// <summary>The interleaved layout of format version 2 beside the single-state one of version 1.</summary>
public class InterleavedRansTests
{
    private static readonly CdfTableSet Gaussian = GaussianScaleTable.BuildTables(GaussianScaleTable.DefaultScales());

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(1026)]
    [InlineData(1027)]
    [InlineData(4096)]
    [InlineData(50_001)]
    public void Every_length_round_trips_in_both_layouts(int count)
    {
        var random = new Random(count);
        var (values, indices) = EntropyTestData.RandomSymbols(random, Gaussian, count, 0.02);
        foreach (var layout in new[] { RansStreamLayout.Single, RansStreamLayout.Interleaved })
        {
            var stream = RansCoder.Encode(values, indices, Gaussian, layout);
            var decoded = new int[count];
            RansCoder.Decode(stream, indices, Gaussian, decoded, layout);
            Assert.Equal(values, decoded);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(1023)]
    public void Streams_below_the_threshold_are_the_single_state_bytes(int count)
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(3), Gaussian, count, 0.02);

        Assert.Equal(RansCoder.Encode(values, indices, Gaussian, RansStreamLayout.Single), RansCoder.Encode(values, indices, Gaussian, RansStreamLayout.Interleaved));
    }

    [Fact]
    public void The_layouts_differ_from_the_threshold_on_and_do_not_decode_as_each_other()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(4), Gaussian, 5000, 0.02);
        var single = RansCoder.Encode(values, indices, Gaussian, RansStreamLayout.Single);
        var interleaved = RansCoder.Encode(values, indices, Gaussian, RansStreamLayout.Interleaved);

        Assert.NotEqual(single, interleaved);
        Assert.Throws<EntropyDecodeException>(() => RansCoder.Decode(interleaved, indices, Gaussian, new int[values.Length], RansStreamLayout.Single));
        Assert.Throws<EntropyDecodeException>(() => RansCoder.Decode(single, indices, Gaussian, new int[values.Length], RansStreamLayout.Interleaved));
    }

    [Fact]
    public void Encoding_is_deterministic()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(5), Gaussian, 20_000, 0.05);

        Assert.Equal(RansCoder.Encode(values, indices, Gaussian), RansCoder.Encode(values, indices, Gaussian));
    }

    [Fact]
    public void Escapes_in_every_lane_and_at_the_stream_end_decode_exactly()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.25, 0.5, 0.25]], [-1]);
        int max = EntropyConstants.MaxEscapeMagnitude;
        var values = new int[2048];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 7) switch { 0 => -1 - max, 1 => 1 + max, 2 => 1 << 17, _ => i % 3 - 1 };
        values[^1] = 1 + max;
        values[^2] = -1 - max;
        var indices = new int[values.Length];
        var decoded = new int[values.Length];

        RansCoder.Decode(RansCoder.Encode(values, indices, tables), indices, tables, decoded);

        Assert.Equal(values, decoded);
    }

    [Fact]
    public void The_estimate_counts_a_final_state_per_lane_and_stays_within_one_percent()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(6), Gaussian, 100_000, 0.01);

        double single = RansCoder.EstimateBits(values, indices, Gaussian, RansStreamLayout.Single);
        double interleaved = RansCoder.EstimateBits(values, indices, Gaussian, RansStreamLayout.Interleaved);
        double actual = 8.0 * RansCoder.Encode(values, indices, Gaussian).Length;

        Assert.Equal(3 * 32, interleaved - single, 6);
        Assert.InRange(actual, interleaved * 0.99, interleaved * 1.01);
    }

    [Fact]
    public void A_bad_table_index_anywhere_is_refused_before_decoding()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(7), Gaussian, 3000, 0.0);
        var stream = RansCoder.Encode(values, indices, Gaussian);
        indices[2999] = Gaussian.Count;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Decode(stream, indices, Gaussian, new int[values.Length]));
        Assert.Contains("tableIndices[2999]", e.Message);
    }

    [Fact]
    public void Streams_that_run_out_of_words_fail_cleanly()
    {
        var (values, indices) = EntropyTestData.RandomSymbols(new Random(8), Gaussian, 3000, 0.02);
        var stream = RansCoder.Encode(values, indices, Gaussian);

        // Only the final states, or the final states and a few words: every state underflows.
        for (int cut = 16; cut < stream.Length; cut += 4)
            Assert.Throws<EntropyDecodeException>(() => RansCoder.Decode(stream.AsSpan(0, cut), indices, Gaussian, new int[values.Length]));
        Assert.Throws<EntropyDecodeException>(() => RansCoder.Decode(new byte[12], indices, Gaussian, new int[values.Length]));
    }
}
