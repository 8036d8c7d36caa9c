namespace HiFiC.Codec.Entropy;

/// <summary>
/// Turns a probability vector into integer frequencies summing to 2^16. Only IEEE-exact double
/// operations (+, *, /, round-to-even) and integer arithmetic are used, and every tie is broken by
/// symbol index, so the integers are the same on every machine and runtime.
/// </summary>
internal static class CdfQuantizer
{
    /// <summary>Slack for pmfs computed in float that add up to slightly more than one.</summary>
    private const double SumTolerance = 1e-3;

    /// <returns>The CDF, escape symbol (the tail mass) last.</returns>
    public static int[] ToCdf(double[] pmf, int tableIndex)
    {
        ArgumentNullException.ThrowIfNull(pmf, $"pmfs[{tableIndex}]");
        if (pmf.Length == 0)
        {
            throw new ArgumentException($"pmfs[{tableIndex}] is empty; a table needs at least one value besides the escape symbol.", "pmfs");
        }

        if (pmf.Length + 1 > EntropyConstants.MaxSymbolsPerTable)
        {
            throw new ArgumentException(
                $"pmfs[{tableIndex}] has {pmf.Length} values; with the escape symbol a table may have at most {EntropyConstants.MaxSymbolsPerTable} symbols.", "pmfs");
        }

        double sum = 0;
        for (int k = 0; k < pmf.Length; k++)
        {
            double p = pmf[k];
            if (!double.IsFinite(p) || p < 0)
            {
                throw new ArgumentException($"pmfs[{tableIndex}][{k}] = {p} is not a finite non-negative probability.", "pmfs");
            }

            sum += p;
        }

        if (sum > 1 + SumTolerance)
        {
            throw new ArgumentException($"pmfs[{tableIndex}] sums to {sum}, more than 1.", "pmfs");
        }

        var weights = new double[pmf.Length + 1];
        pmf.CopyTo(weights, 0);
        weights[^1] = sum < 1 ? 1 - sum : 0;
        double total = sum + weights[^1];

        var freq = new int[weights.Length];
        int assigned = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            freq[k] = Math.Max(1, (int)Math.Round(weights[k] * EntropyConstants.CdfTotal / total));
            assigned += freq[k];
        }

        Rebalance(freq, weights, EntropyConstants.CdfTotal - assigned);

        var cdf = new int[freq.Length + 1];
        for (int k = 0; k < freq.Length; k++)
        {
            cdf[k + 1] = cdf[k] + freq[k];
        }

        return cdf;
    }

    /// <summary>
    /// Greedy fix of the rounding error: each step moves one unit where it costs the fewest bits,
    /// using w / (f ± 1/2) as the marginal value of a unit (first-order w·ln((f+1)/f) without Log,
    /// whose result is not bit-identical across platforms).
    /// </summary>
    private static void Rebalance(int[] freq, double[] weights, int difference)
    {
        if (difference == 0)
        {
            return;
        }

        bool grow = difference > 0;
        var queue = new PriorityQueue<int, (double Key, int Index)>(freq.Length, KeyComparer.Instance);
        for (int k = 0; k < freq.Length; k++)
        {
            if (grow || freq[k] > 1)
            {
                queue.Enqueue(k, (Key(k), k));
            }
        }

        for (int remaining = Math.Abs(difference); remaining > 0; remaining--)
        {
            int k = queue.Dequeue();
            freq[k] += grow ? 1 : -1;
            if (grow || freq[k] > 1)
            {
                queue.Enqueue(k, (Key(k), k));
            }
        }

        // Growing wants the largest gain first, shrinking the smallest loss: negate for growth so
        // one ascending comparer serves both.
        double Key(int k) => grow ? -(weights[k] / (freq[k] + 0.5)) : weights[k] / (freq[k] - 0.5);
    }

    private sealed class KeyComparer : IComparer<(double Key, int Index)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((double Key, int Index) x, (double Key, int Index) y)
        {
            int byKey = x.Key.CompareTo(y.Key);
            return byKey != 0 ? byKey : x.Index.CompareTo(y.Index);
        }
    }
}
