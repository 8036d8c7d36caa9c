using System.Buffers.Binary;
using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

public class CdfTableSetTests
{
    [Fact]
    public void Quantised_tables_are_monotone_total_two_to_the_sixteen_and_give_every_symbol_a_frequency()
    {
        CdfTableSet set = EntropyTestData.RandomTables(new Random(1), 200, maxValues: 4000);

        for (int t = 0; t < set.Count; t++)
        {
            ReadOnlySpan<int> cdf = set[t].Cdf;
            Assert.Equal(set[t].SymbolCount + 1, cdf.Length);
            Assert.Equal(0, cdf[0]);
            Assert.Equal(EntropyConstants.CdfTotal, cdf[^1]);
            for (int s = 0; s < set[t].SymbolCount; s++)
            {
                Assert.True(cdf[s + 1] > cdf[s], $"table {t} symbol {s} has no frequency");
            }
        }
    }

    [Fact]
    public void Offsets_and_symbol_counts_follow_the_input()
    {
        CdfTableSet set = CdfTableSet.FromProbabilities([[0.5, 0.5], [1.0], [0.1, 0.2, 0.3]], [-3, 0, 12]);

        Assert.Equal(3, set.Count);
        Assert.Equal(new[] { -3, 0, 12 }, Enumerable.Range(0, 3).Select(t => set[t].Offset));
        Assert.Equal(new[] { 3, 2, 4 }, Enumerable.Range(0, 3).Select(t => set[t].SymbolCount));
    }

    [Fact]
    public void Frequencies_follow_the_probabilities_and_the_escape_gets_the_tail()
    {
        CdfTableSet set = CdfTableSet.FromProbabilities([[0.5, 0.25, 0.125, 0.0625]], [0]);

        Assert.Equal(new[] { 0, 32768, 49152, 57344, 61440, 65536 }, set[0].Cdf.ToArray());
    }

    [Fact]
    public void The_escape_keeps_a_frequency_when_the_pmf_sums_to_one_or_slightly_more()
    {
        CdfTableSet set = CdfTableSet.FromProbabilities([[0.5, 0.5], [0.5, 0.5004]], [0, 0]);

        Assert.Equal(1, set[0].Cdf[^1] - set[0].Cdf[^2]);
        Assert.Equal(1, set[1].Cdf[^1] - set[1].Cdf[^2]);
    }

    [Fact]
    public void Quantisation_is_deterministic_and_pinned()
    {
        double[] pmf = Enumerable.Range(0, 41).Select(k => Math.Exp(-Math.Abs(k - 20) / 3.0) / 6.1).ToArray();

        byte[] first = CdfTableSet.FromProbabilities([pmf], [-20]).ToBytes();
        byte[] second = CdfTableSet.FromProbabilities([(double[])pmf.Clone()], [-20]).ToBytes();

        Assert.Equal(first, second);
        ReadOnlySpan<int> cdf = CdfTableSet.FromProbabilities([pmf], [-20])[0].Cdf;
        Assert.Equal(PinnedCentre, cdf[21] - cdf[20]);
    }

    // Frequency of the mode above; a change here changes every file ever written with such tables.
    private const int PinnedCentre = 10744;

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(double.PositiveInfinity)]
    public void Invalid_probabilities_are_rejected(double bad)
    {
        var error = Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([[0.5, 0.2], [0.1, bad]], [0, 0]));
        Assert.Contains("pmfs[1][1]", error.Message);
    }

    [Fact]
    public void Malformed_inputs_are_rejected_with_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([[]], [0]));
        Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([], []));
        Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([[1.0]], [0, 1]));
        Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([[0.7, 0.7]], [0]));
        Assert.Throws<ArgumentException>(() => CdfTableSet.FromProbabilities([new double[EntropyConstants.MaxSymbolsPerTable]], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CdfTableSet.FromProbabilities([[1.0]], [EntropyConstants.MaxOffsetMagnitude + 1]));
        Assert.ThrowsAny<ArgumentException>(() => CdfTableSet.FromProbabilities([null!], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CdfTableSet.FromProbabilities([[1.0]], [0])[1]);
    }

    [Fact]
    public void The_largest_table_is_accepted()
    {
        var pmf = new double[EntropyConstants.MaxSymbolsPerTable - 1];
        Array.Fill(pmf, 1.0 / pmf.Length);

        CdfTableSet set = CdfTableSet.FromProbabilities([pmf], [0]);

        Assert.Equal(EntropyConstants.MaxSymbolsPerTable, set[0].SymbolCount);
    }

    [Fact]
    public void Bytes_round_trip_exactly()
    {
        CdfTableSet set = EntropyTestData.RandomTables(new Random(2), 30);

        byte[] bytes = set.ToBytes();
        CdfTableSet restored = CdfTableSet.FromBytes(bytes);

        Assert.Equal(bytes, restored.ToBytes());
        for (int t = 0; t < set.Count; t++)
        {
            Assert.Equal(set[t].Offset, restored[t].Offset);
            Assert.Equal(set[t].Cdf.ToArray(), restored[t].Cdf.ToArray());
        }
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] bytes = EntropyTestData.RandomTables(new Random(3), 5, maxValues: 20).ToBytes();

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => CdfTableSet.FromBytes(bytes.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData(0, 0x58, "header")]        // magic
    [InlineData(4, 2, "version")]
    [InlineData(6, 15, "precision")]
    [InlineData(8, 0, "table count")]
    [InlineData(8, 0xFF, "cannot fit")]    // 255 tables claimed
    [InlineData(16, 1, "symbols")]         // symbol count 1
    [InlineData(19, 0, "frequency 0")]    // first frequency 0x8000 -> 0
    [InlineData(21, 0x10, "sum")]          // second frequency 0x4000 -> 0x1000
    public void Damaged_fields_are_rejected_with_a_reason(int position, byte value, string reason)
    {
        byte[] bytes = CdfTableSet.FromProbabilities([[0.5, 0.25], [0.9]], [0, 0]).ToBytes();
        bytes[position] = value;

        var error = Assert.Throws<InvalidDataException>(() => CdfTableSet.FromBytes(bytes));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Offsets_beyond_the_limit_and_trailing_bytes_are_rejected()
    {
        byte[] bytes = CdfTableSet.FromProbabilities([[0.5, 0.25]], [0]).ToBytes();
        byte[] farOffset = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(farOffset.AsSpan(12), int.MinValue);

        Assert.Contains("offset", Assert.Throws<InvalidDataException>(() => CdfTableSet.FromBytes(farOffset)).Message);
        Assert.Contains("after the last table", Assert.Throws<InvalidDataException>(() => CdfTableSet.FromBytes([.. bytes, 0])).Message);
    }

    [Fact]
    public void Random_garbage_and_mutations_only_ever_raise_InvalidDataException()
    {
        var random = new Random(4);
        byte[] valid = EntropyTestData.RandomTables(random, 4, maxValues: 10).ToBytes();
        for (int trial = 0; trial < 3_000; trial++)
        {
            byte[] input = (byte[])valid.Clone();
            if (trial % 3 == 0)
            {
                input = new byte[random.Next(64)];
                random.NextBytes(input);
            }
            else
            {
                input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            try
            {
                CdfTableSet.FromBytes(input);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void Escape_payload_bits_are_what_the_coder_spends_beyond_the_escape_symbol()
    {
        var set = CdfTableSet.FromProbabilities([[0.25, 0.5, 0.25]], [-1]);
        var table = set[0];
        Assert.Equal(0, table.EscapePayloadBits(-1));
        Assert.Equal(0, table.EscapePayloadBits(1));
        int[] tableIndex = [0];
        double escapeSymbolBits = -Math.Log2((table.Cdf[^1] - table.Cdf[^2]) / (double)EntropyConstants.CdfTotal);
        foreach (int value in new[] { 2, -2, 9, -1000, 70000 })
        {
            double coded = RansCoder.EstimateBits([value], tableIndex, set) - 32; // less the stream's final state
            Assert.Equal(coded, escapeSymbolBits + table.EscapePayloadBits(value), 6);
        }
    }
}
