using System.Diagnostics;

namespace HiFiC.Codec.Entropy;

/// <summary>Throughput of <see cref="RansCoder"/> on latent-like data, for `hific bench`.</summary>
public static class EntropyCoderBenchmark
{
    private const double EscapeRate = 0.01;
    private const int Repetitions = 3;

    /// <summary>Best of three timed runs after a warm-up, on one thread.</summary>
    public static (double EncodeSymbolsPerSecond, double DecodeSymbolsPerSecond) Measure(int symbolCount = 4_000_000, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolCount, 1);
        var (values, indices, tables) = CreateWorkload(symbolCount, seed);
        var decoded = new int[symbolCount];

        // The warm-up also builds the decode lookups, which are a one-off cost per table set.
        byte[] stream = RansCoder.Encode(values, indices, tables);
        RansCoder.Decode(stream, indices, tables, decoded);

        double encodeSeconds = double.MaxValue, decodeSeconds = double.MaxValue;
        for (int run = 0; run < Repetitions; run++)
        {
            long started = Stopwatch.GetTimestamp();
            stream = RansCoder.Encode(values, indices, tables);
            encodeSeconds = Math.Min(encodeSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);

            started = Stopwatch.GetTimestamp();
            RansCoder.Decode(stream, indices, tables, decoded);
            decodeSeconds = Math.Min(decodeSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        if (!decoded.AsSpan().SequenceEqual(values))
        {
            throw new InvalidOperationException("The entropy coder did not round-trip the benchmark data.");
        }

        return (symbolCount / encodeSeconds, symbolCount / decodeSeconds);
    }

    /// <summary>
    /// Laplacian latents whose spread matches a table drawn uniformly from the 64 default Gaussian
    /// scales, with 1% of values pushed past their table's range to exercise escapes.
    /// </summary>
    public static (int[] Values, int[] TableIndices, CdfTableSet Tables) CreateWorkload(int symbolCount, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(symbolCount);
        float[] scales = GaussianScaleTable.DefaultScales();
        CdfTableSet tables = GaussianScaleTable.BuildTables(scales);
        var random = new Random(seed);
        var values = new int[symbolCount];
        var indices = new int[symbolCount];
        for (int i = 0; i < symbolCount; i++)
        {
            int t = random.Next(scales.Length);
            indices[i] = t;
            if (random.NextDouble() < EscapeRate)
            {
                CdfTable table = tables[t];
                int beyond = 1 + random.Next(1000);
                values[i] = random.Next(2) == 0 ? table.Offset - beyond : table.Offset + table.SymbolCount - 2 + beyond;
                continue;
            }

            // Laplace(b) has variance 2b², so b = s / sqrt 2 matches the table's Gaussian spread.
            double u = random.NextDouble() - 0.5;
            double magnitude = -scales[t] / Math.Sqrt(2) * Math.Log(1 - 2 * Math.Abs(u));
            values[i] = (int)Math.Round(u < 0 ? -magnitude : magnitude);
        }

        return (values, indices, tables);
    }
}
