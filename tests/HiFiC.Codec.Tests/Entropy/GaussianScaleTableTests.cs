using System.Security.Cryptography;
using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

public class GaussianScaleTableTests
{
    private static readonly float[] Scales = GaussianScaleTable.DefaultScales();

    [Fact]
    public void Default_scales_are_64_log_spaced_values_from_0_11_to_256()
    {
        Assert.Equal(64, Scales.Length);
        Assert.Equal(0.11f, Scales[0]);
        Assert.Equal(256f, Scales[^1]);
        double ratio = Math.Pow(256 / 0.11, 1.0 / 63);
        for (int i = 1; i < Scales.Length; i++)
        {
            Assert.InRange(Scales[i] / (double)Scales[i - 1], ratio * (1 - 1e-6), ratio * (1 + 1e-6));
        }
    }

    [Fact]
    public void Default_scales_are_pinned_bit_for_bit()
    {
        // Scale indices must match on every machine; these floats are part of the file format.
        Assert.Equal(0.1244041f, Scales[1]);
        Assert.Equal(1.8644861f, Scales[23]);
        Assert.Equal(27.94368f, Scales[45]);
        Assert.Equal(226.3591f, Scales[62]);
    }

    [Fact]
    public void Custom_scale_ranges_and_their_limits()
    {
        Assert.Equal(new[] { 1f, 2f, 4f }, GaussianScaleTable.DefaultScales(3, 1f, 4f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianScaleTable.DefaultScales(1));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.DefaultScales(8, 0f, 1f));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.DefaultScales(8, 2f, 1f));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.DefaultScales(8, 1f, float.PositiveInfinity));
    }

    [Fact]
    public void IndexOf_picks_the_first_scale_at_or_above_sigma()
    {
        for (int i = 0; i < Scales.Length; i++)
        {
            Assert.Equal(i, GaussianScaleTable.IndexOf(Scales[i], Scales));
            Assert.Equal(i, GaussianScaleTable.IndexOf(MathF.BitDecrement(Scales[i]), Scales));
            Assert.Equal(Math.Min(i + 1, Scales.Length - 1), GaussianScaleTable.IndexOf(MathF.BitIncrement(Scales[i]), Scales));
        }
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(-5f, 0)]
    [InlineData(float.NegativeInfinity, 0)]
    [InlineData(1e9f, 63)]
    [InlineData(float.PositiveInfinity, 63)]
    [InlineData(float.NaN, 63)]
    public void IndexOf_clamps_out_of_range_sigmas(float sigma, int expected)
    {
        Assert.Equal(expected, GaussianScaleTable.IndexOf(sigma, Scales));
    }

    [Fact]
    public void IndexOf_agrees_with_a_linear_search()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 10_000; trial++)
        {
            float sigma = (float)Math.Exp(random.NextDouble() * 8 - 3);
            int expected = Array.FindIndex(Scales, s => s >= sigma);
            Assert.Equal(expected < 0 ? Scales.Length - 1 : expected, GaussianScaleTable.IndexOf(sigma, Scales));
        }
    }

    [Fact]
    public void The_smallest_scale_puts_almost_all_mass_on_zero()
    {
        CdfTable table = GaussianScaleTable.BuildTables(Scales)[0];

        Assert.Equal(-1, table.Offset);
        Assert.Equal(4, table.SymbolCount);
        Assert.True(table.Cdf[2] - table.Cdf[1] >= 65530);
    }

    [Fact]
    public void A_unit_scale_matches_the_discretised_gaussian()
    {
        CdfTable table = GaussianScaleTable.BuildTables([1f])[0];
        ReadOnlySpan<int> cdf = table.Cdf;
        int zero = -table.Offset;

        // P(0) = 1 - 2 Q(1/2) = 0.382925; P(±1) = Q(1/2) - Q(3/2) = 0.241730.
        Assert.InRange(cdf[zero + 1] - cdf[zero], 25095 - 8, 25095 + 8);
        Assert.InRange(cdf[zero + 2] - cdf[zero + 1], 15842 - 8, 15842 + 8);
        Assert.Equal(-7, table.Offset); // ceil(1 * 6.109)
    }

    [Fact]
    public void Tables_are_nearly_symmetric_and_cover_plus_minus_L()
    {
        CdfTableSet set = GaussianScaleTable.BuildTables(Scales);

        for (int t = 0; t < set.Count; t++)
        {
            CdfTable table = set[t];
            Assert.Equal(-2 * table.Offset + 2, table.SymbolCount);
            Assert.Equal(Math.Max(1, (int)Math.Ceiling(Scales[t] * 6.1094102048693975)), -table.Offset);
            ReadOnlySpan<int> cdf = table.Cdf;
            int values = table.SymbolCount - 1;
            for (int k = 0; k < values; k++)
            {
                // Rounding fixes break ties by symbol index, which may tip one side by a unit.
                Assert.InRange(cdf[k + 1] - cdf[k] - (cdf[values - k] - cdf[values - k - 1]), -1, 1);
            }
        }
    }

    [Fact]
    public void Default_tables_are_pinned_bit_for_bit()
    {
        byte[] bytes = GaussianScaleTable.BuildTables(Scales).ToBytes();

        // Encoder and decoder machines must build identical integers; any change here breaks files.
        Assert.Equal(PinnedDefaultTablesSha256, Convert.ToHexString(SHA256.HashData(bytes)));
    }

    private const string PinnedDefaultTablesSha256 = "7BC53E58B7AB9011F06136395D31C51D86450DB4F9EF6E2A45651B4629E493F3";

    [Fact]
    public void Bad_scales_and_tail_masses_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.BuildTables([]));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.BuildTables([1f, float.NaN]));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.BuildTables([-1f]));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.BuildTables([1000f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianScaleTable.BuildTables([1f], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianScaleTable.BuildTables([1f], 1));
        Assert.Throws<ArgumentException>(() => GaussianScaleTable.IndexOf(1f, []));
    }
}
