using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

public class RansCoderRoundTripTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.01)]
    [InlineData(3, 0.2)]
    public void Random_values_over_many_tables_decode_to_what_was_encoded(int seed, double escapeRate)
    {
        var random = new Random(seed);
        CdfTableSet tables = EntropyTestData.RandomTables(random, 50);
        var (values, indices) = EntropyTestData.RandomSymbols(random, tables, 100_000, escapeRate);

        Assert.Equal(values, RoundTrip(values, indices, tables));
    }

    [Fact]
    public void Escapes_of_both_signs_up_to_the_limit_decode_exactly()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.25, 0.5, 0.25]], [-1]);
        int max = EntropyConstants.MaxEscapeMagnitude;
        int[] values = [-1 - max, 1 + max, -2, 2, -1 - (1 << 16), 1 + (1 << 16), -1 - (1 << 17), 0, 1, -1, -1 - max];

        Assert.Equal(values, RoundTrip(values, new int[values.Length], tables));
    }

    [Fact]
    public void Values_at_the_offset_limits_escape_without_overflow()
    {
        int limit = EntropyConstants.MaxOffsetMagnitude;
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.5, 0.5], [0.5, 0.5]], [-limit, limit]);
        int max = EntropyConstants.MaxEscapeMagnitude;
        int[] values = [-limit - max, -limit + 1 + max, limit - max, limit + 1 + max];
        int[] indices = [0, 0, 1, 1];

        Assert.Equal(values, RoundTrip(values, indices, tables));
    }

    [Fact]
    public void Values_beyond_the_escape_limit_are_rejected_on_both_sides()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.5, 0.5]], [10]);
        int max = EntropyConstants.MaxEscapeMagnitude;

        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Encode([10 - max - 1], [0], tables));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Encode([11 + max + 1], [0], tables));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Encode([int.MinValue], [0], tables));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.EstimateBits([int.MaxValue], [0], tables));
    }

    [Fact]
    public void Empty_input_is_just_the_four_byte_final_state()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[1.0]], [0]);

        byte[] stream = RansCoder.Encode([], [], tables);

        Assert.True(stream.Length <= 4, $"{stream.Length} bytes");
        RansCoder.Decode(stream, [], tables, []);
    }

    [Fact]
    public void A_table_with_one_value_and_the_escape_codes_both()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.9]], [7]);
        int[] values = [7, 7, 8, 6, 7, 1000, -1000, 7];

        Assert.Equal(values, RoundTrip(values, new int[values.Length], tables));
        Assert.Equal(2, tables[0].SymbolCount);
    }

    [Fact]
    public void A_million_equal_values_cost_almost_nothing()
    {
        CdfTableSet tables = GaussianScaleTable.BuildTables([0.11f]);
        var values = new int[1_000_000];

        byte[] stream = RansCoder.Encode(values, new int[values.Length], tables);

        Assert.Equal(values, RoundTrip(values, new int[values.Length], tables));
        double idealBytes = values.Length * -Math.Log2((tables[0].Cdf[2] - tables[0].Cdf[1]) / 65536.0) / 8;
        // At most 8 bytes of final state per state (four when interleaved).
        Assert.InRange(stream.Length, 0, idealBytes + 8 * RansStreamLayouts.Lanes);
    }

    [Theory]
    [InlineData(0.0, 10)]
    [InlineData(0.0, 100_000)]
    [InlineData(0.01, 100_000)]
    [InlineData(0.5, 20_000)]
    public void Stream_size_tracks_the_estimate(double escapeRate, int count)
    {
        var random = new Random(count);
        CdfTableSet tables = EntropyTestData.RandomTables(random, 20);
        var (values, indices) = EntropyTestData.RandomSymbols(random, tables, count, escapeRate);

        double estimate = RansCoder.EstimateBits(values, indices, tables);
        double actual = 8.0 * RansCoder.Encode(values, indices, tables).Length;

        // Each state's final flush is 32 to 64 bits, the estimate counts 32 (four states when interleaved).
        double slack = 32 * RansStreamLayouts.LanesFor(RansStreamLayouts.Current, count);
        Assert.InRange(actual - estimate, -(slack + 0.01 * estimate), slack + 0.01 * estimate);
    }

    [Fact]
    public void Low_entropy_gaussian_latents_stay_within_a_word_per_state_of_the_estimate()
    {
        // Skewed tables are where a small rANS state would lose most to rounding.
        float[] scales = GaussianScaleTable.DefaultScales();
        CdfTableSet tables = GaussianScaleTable.BuildTables(scales);
        var random = new Random(5);
        int[] indices = Enumerable.Range(0, 200_000).Select(_ => random.Next(8)).ToArray();
        int[] values = indices.Select(t => random.NextDouble() < 0.05 ? Math.Sign(random.NextDouble() - 0.5) : 0).ToArray();

        double estimate = RansCoder.EstimateBits(values, indices, tables);
        double actual = 8.0 * RansCoder.Encode(values, indices, tables).Length;

        double slack = 32 * RansStreamLayouts.Lanes;
        Assert.InRange(actual - estimate, -(slack + 0.001 * estimate), slack + 0.001 * estimate);
    }

    [Fact]
    public void Table_indices_and_lengths_are_checked_before_use()
    {
        CdfTableSet tables = CdfTableSet.FromProbabilities([[1.0]], [0]);
        byte[] empty = RansCoder.Encode([], [], tables);

        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Encode([0], [1], tables));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Encode([0], [-1], tables));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.EstimateBits([0], [5], tables));
        Assert.Throws<ArgumentException>(() => RansCoder.Encode([0, 0], [0], tables));
        Assert.Throws<ArgumentException>(() => RansCoder.Decode(empty, [0], tables, new int[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RansCoder.Decode(RansCoder.Encode([0], [0], tables), [3], tables, new int[1]));
    }

    [Fact]
    public void Concurrent_decodes_of_one_table_set_agree()
    {
        var random = new Random(11);
        CdfTableSet tables = GaussianScaleTable.BuildTables(GaussianScaleTable.DefaultScales());
        var (values, indices) = EntropyTestData.RandomSymbols(random, tables, 50_000, 0.01);
        byte[] stream = RansCoder.Encode(values, indices, tables);

        Parallel.For(0, 8, _ =>
        {
            var decoded = new int[values.Length];
            RansCoder.Decode(stream, indices, tables, decoded);
            Assert.Equal(values, decoded);
        });
    }

    [Fact]
    public void The_benchmark_round_trips_its_own_workload()
    {
        var (encode, decode) = EntropyCoderBenchmark.Measure(symbolCount: 20_000);

        Assert.True(encode > 0 && decode > 0);
    }

    private static int[] RoundTrip(int[] values, int[] indices, CdfTableSet tables)
    {
        byte[] stream = RansCoder.Encode(values, indices, tables);
        var decoded = new int[values.Length];
        RansCoder.Decode(stream, indices, tables, decoded);
        return decoded;
    }
}
