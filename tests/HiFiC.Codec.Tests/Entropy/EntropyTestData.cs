using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Tests.Entropy;

/// <summary>Random but reproducible tables and symbol sequences for the coder tests.</summary>
internal static class EntropyTestData
{
    /// <summary>Tables of 1 to maxValues values with peaked, flat and sparse shapes and varied offsets.</summary>
    public static CdfTableSet RandomTables(Random random, int count, int maxValues = 300)
    {
        var pmfs = new double[count][];
        var offsets = new int[count];
        for (int t = 0; t < count; t++)
        {
            int n = 1 + random.Next(maxValues);
            var pmf = new double[n];
            int shape = random.Next(3);
            for (int k = 0; k < n; k++)
            {
                pmf[k] = shape switch
                {
                    0 => Math.Exp(-Math.Abs(k - n / 2) / (1 + random.NextDouble() * 3)),
                    1 => 1,
                    _ => random.Next(4) == 0 ? random.NextDouble() : 0,
                };
            }

            double sum = pmf.Sum();
            double scale = sum > 0 ? (1 - 1e-4 * random.NextDouble()) / sum : 0;
            for (int k = 0; k < n; k++)
            {
                pmf[k] *= scale;
            }

            pmfs[t] = pmf;
            offsets[t] = random.Next(-n, 50);
        }

        return CdfTableSet.FromProbabilities(pmfs, offsets);
    }

    /// <summary>Values drawn from each table's own distribution, plus escapes at the given rate.</summary>
    public static (int[] Values, int[] Indices) RandomSymbols(Random random, CdfTableSet tables, int count, double escapeRate)
    {
        var values = new int[count];
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            int t = random.Next(tables.Count);
            CdfTable table = tables[t];
            indices[i] = t;
            values[i] = random.NextDouble() < escapeRate
                ? EscapedValue(random, table)
                : table.Offset + Sample(random, table.Cdf[..^1]);
        }

        return (values, indices);
    }

    /// <summary>A value outside the table's range, below or above, near or up to the escape limit.</summary>
    public static int EscapedValue(Random random, CdfTable table)
    {
        int distance = random.Next(3) switch
        {
            0 => 1 + random.Next(4),
            1 => 1 + random.Next(100_000),
            _ => EntropyConstants.MaxEscapeMagnitude - random.Next(3),
        };
        return random.Next(2) == 0 ? table.Offset - distance : table.Offset + table.SymbolCount - 2 + distance;
    }

    /// <summary>Inverse-CDF sampling over the value symbols only (the escape is chosen separately).</summary>
    private static int Sample(Random random, ReadOnlySpan<int> cdfWithoutEscape)
    {
        int slot = random.Next(cdfWithoutEscape[^1]);
        int symbol = 0;
        while (cdfWithoutEscape[symbol + 1] <= slot)
        {
            symbol++;
        }

        return symbol;
    }
}
