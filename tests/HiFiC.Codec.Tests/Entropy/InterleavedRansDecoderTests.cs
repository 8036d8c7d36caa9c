using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

/// <summary>
/// The interleaved decoder's two read modes (unclamped chunks sized by the words left, clamped
/// for the last symbols) and its escape exits, on tables whose tails make long CDF scans.
/// </summary>
public class InterleavedRansDecoderTests
{
    /// <summary>Wide flat tails (frequency-1 symbols): a bucket then spans up to 64 symbols.</summary>
    private static CdfTableSet WideTables()
    {
        var pmfs = new List<double[]>();
        var offsets = new List<int>();
        foreach (int n in new[] { 2, 40, 700, 3000 })
        {
            var pmf = new double[n];
            for (int k = 0; k < n; k++) pmf[k] = Math.Exp(-Math.Abs(k - n / 2.0) / (n / 40.0 + 0.5));
            double sum = pmf.Sum();
            pmfs.Add(pmf.Select(v => v / sum * 0.995).ToArray());
            offsets.Add(-n / 2);
        }

        return CdfTableSet.FromProbabilities(pmfs, offsets);
    }

    [Theory]
    [InlineData(1, 1024, 0.0)]
    [InlineData(2, 1027, 0.05)]
    [InlineData(3, 4099, 0.01)]
    [InlineData(4, 65_537, 0.01)]
    [InlineData(5, 20_000, 0.3)]
    public void Random_tables_and_wide_tails_round_trip(int seed, int count, double escapeRate)
    {
        var random = new Random(seed);
        foreach (var tables in new[] { WideTables(), EntropyTestData.RandomTables(random, 40, 4000) })
        {
            var (values, indices) = EntropyTestData.RandomSymbols(random, tables, count, escapeRate);

            // Uniform over each table's slots too, so every symbol of the tails gets picked.
            for (int i = 0; i < count; i += 3)
            {
                var table = tables[indices[i]];
                values[i] = table.Offset + random.Next(table.SymbolCount - 1);
            }

            var decoded = new int[count];
            RansCoder.Decode(RansCoder.Encode(values, indices, tables, RansStreamLayout.Interleaved), indices, tables, decoded, RansStreamLayout.Interleaved);

            Assert.Equal(values, decoded);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Escapes_in_the_clamped_tail_and_at_chunk_ends_decode_exactly(int lane)
    {
        // High-probability symbols take no words for hundreds of symbols at the stream's end, so
        // the clamped mode decodes them; escapes there and right before must still decode.
        CdfTableSet tables = CdfTableSet.FromProbabilities([[0.001, 0.997, 0.001]], [-1]);
        var values = new int[4096];
        for (int i = lane; i < values.Length; i += 97) values[i] = 5 + i;
        for (int i = values.Length - 40 + lane; i < values.Length; i += 4) values[i] = -1000 - i;
        values[lane] = -7;
        var indices = new int[values.Length];
        var decoded = new int[values.Length];

        RansCoder.Decode(RansCoder.Encode(values, indices, tables), indices, tables, decoded);

        Assert.Equal(values, decoded);
    }

    [Fact(Timeout = 120_000)]
    public async Task Flipped_bits_truncations_and_garbage_only_ever_fail_cleanly()
    {
        await Task.Run(() =>
        {
            var random = new Random(9);
            var tables = WideTables();
            var (values, indices) = EntropyTestData.RandomSymbols(random, tables, 5000, 0.02);
            byte[] stream = RansCoder.Encode(values, indices, tables);
            var decoded = new int[values.Length];
            for (int trial = 0; trial < 400; trial++)
            {
                byte[] bad = (trial % 4) switch
                {
                    0 => Flip(stream, random),
                    1 => stream[..(16 + 4 * random.Next((stream.Length - 16) / 4))],
                    2 => [.. stream[..(stream.Length / 2)], .. Garbage(random, stream.Length / 2 & ~3)],
                    _ => Garbage(random, 4 * (4 + random.Next(stream.Length / 4))),
                };
                try
                {
                    RansCoder.Decode(bad, indices, tables, decoded);

                    // A flip can survive every check only by decoding to some other values of the same length.
                    Assert.Equal(0, trial % 4 == 1 ? 1 : 0);
                }
                catch (EntropyDecodeException)
                {
                }
            }
        });
    }

    private static byte[] Flip(byte[] stream, Random random)
    {
        byte[] copy = [.. stream];
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Garbage(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
