namespace HiFiC.Codec.Entropy;

/// <summary>
/// The mean-scale hyperprior's conditional: one table per scale s of a zero-mean Gaussian N(0, s)
/// convolved with U(-1/2, 1/2), and the rule that maps a predicted sigma to a table.
/// </summary>
public static class GaussianScaleTable
{
    /// <summary>
    /// count scales log-spaced from min to max (both exact). Computed with platform-independent
    /// exp/log so every machine gets the same floats, hence the same table indices.
    /// </summary>
    public static float[] DefaultScales(int count = 64, float min = 0.11f, float max = 256f)
    {
        if (count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A scale table needs at least 2 scales.");
        }

        if (!(min > 0) || !float.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"Scales need 0 < min < max < infinity; got min = {min}, max = {max}.");
        }

        double logMin = DeterministicMath.Log(min);
        double logSpan = DeterministicMath.Log(max) - logMin;
        var scales = new float[count];
        for (int i = 0; i < count; i++)
        {
            scales[i] = (float)DeterministicMath.Exp(logMin + logSpan * i / (count - 1));
        }

        scales[0] = min;
        scales[^1] = max;
        for (int i = 1; i < count; i++)
        {
            if (!(scales[i] > scales[i - 1]))
            {
                throw new ArgumentException($"{count} scales between {min} and {max} are too dense to stay distinct as floats.");
            }
        }

        return scales;
    }

    /// <summary>
    /// One table per scale over the values -L..L, L = ceil(s * z) with Q(z) = tailMass / 2, so each
    /// tail beyond L holds under tailMass / 2 and is left to the escape symbol.
    /// </summary>
    public static CdfTableSet BuildTables(ReadOnlySpan<float> scales, double tailMass = 1e-9)
    {
        if (scales.IsEmpty)
        {
            throw new ArgumentException("At least one scale is needed.", nameof(scales));
        }

        if (!(tailMass > 0 && tailMass < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tailMass), tailMass, "The tail mass must lie in (0, 1).");
        }

        double z = DeterministicMath.InverseNormalUpperTail(tailMass / 2);
        var pmfs = new double[scales.Length][];
        var offsets = new int[scales.Length];
        for (int i = 0; i < scales.Length; i++)
        {
            float s = scales[i];
            if (!(s > 0) || !float.IsFinite(s))
            {
                throw new ArgumentException($"scales[{i}] = {s} is not a finite positive scale.", nameof(scales));
            }

            double halfWidth = Math.Max(1, Math.Ceiling(s * z));
            if (2 * halfWidth + 2 > EntropyConstants.MaxSymbolsPerTable)
            {
                throw new ArgumentException(
                    $"scales[{i}] = {s} with tail mass {tailMass} needs values ±{halfWidth}, more than a table's {EntropyConstants.MaxSymbolsPerTable} symbols.",
                    nameof(scales));
            }

            pmfs[i] = Pmf(s, (int)halfWidth);
            offsets[i] = -(int)halfWidth;
        }

        return CdfTableSet.FromProbabilities(pmfs, offsets);
    }

    /// <summary>
    /// The index of the first scale >= sigma; sigma above every scale, or NaN, gives the last
    /// index. This is the only place that maps sigma to a table: encoder and decoder must agree
    /// bit for bit, so it uses float comparisons only. scales must be ascending.
    /// </summary>
    public static int IndexOf(float sigma, ReadOnlySpan<float> scales)
    {
        if (scales.IsEmpty)
        {
            throw new ArgumentException("The scale table is empty.", nameof(scales));
        }

        if (float.IsNaN(sigma))
        {
            return scales.Length - 1;
        }

        int lo = 0, hi = scales.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (scales[mid] >= sigma)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>P(v) = Q((|v| - 1/2) / s) - Q((|v| + 1/2) / s), from upper tails to keep precision.</summary>
    private static double[] Pmf(double s, int halfWidth)
    {
        var tail = new double[halfWidth + 2];
        for (int j = 1; j <= halfWidth + 1; j++)
        {
            tail[j] = DeterministicMath.NormalUpperTail((j - 0.5) / s);
        }

        var pmf = new double[2 * halfWidth + 1];
        pmf[halfWidth] = 1 - 2 * tail[1];
        for (int v = 1; v <= halfWidth; v++)
        {
            double p = tail[v] - tail[v + 1];
            pmf[halfWidth + v] = p;
            pmf[halfWidth - v] = p;
        }

        return pmf;
    }
}
