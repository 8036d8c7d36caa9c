namespace HiFiC.Evaluation;

/// <summary>
/// Bjøntegaard delta rate: the average difference in bitrate between two RD curves at equal
/// quality, over the quality interval both curves cover. log(rate) is interpolated as a function
/// of quality (PSNR, or MS-SSIM in dB), integrated over the overlap, and the mean log difference
/// is turned back into a ratio. Result in percent: +100 means the test codec needs twice the
/// anchor's bits for the same quality, −50 half of them.
/// </summary>
public static class BdRate
{
    /// <summary>BD-rate of <paramref name="test"/> against <paramref name="anchor"/> in percent; NaN when either
    /// curve has fewer than 2 distinct qualities or the quality ranges do not overlap.</summary>
    public static double Compute(IEnumerable<(double Rate, double Quality)> anchor, IEnumerable<(double Rate, double Quality)> test,
        BdRateMethod method = BdRateMethod.Polynomial)
    {
        var a = Prepare(anchor);
        var b = Prepare(test);
        if (a.Length < 2 || b.Length < 2) return double.NaN;
        double lo = Math.Max(a[0].Q, b[0].Q), hi = Math.Min(a[^1].Q, b[^1].Q);
        if (!(hi > lo)) return double.NaN;
        double ia = Integrate(a, lo, hi, method), ib = Integrate(b, lo, hi, method);
        return (Math.Exp((ib - ia) / (hi - lo)) - 1) * 100;
    }

    /// <summary>
    /// True when quality rises strictly with rate (points in rate order). A curve that flattens or
    /// turns down (more bits, same or less quality) has no single rate per quality: a fit through it
    /// would invent one, so such curves are reported, not fitted.
    /// </summary>
    public static bool IsMonotonic(IEnumerable<(double Rate, double Quality)> curve)
    {
        var sorted = curve.Where(p => p.Rate > 0 && double.IsFinite(p.Rate) && double.IsFinite(p.Quality)).OrderBy(p => p.Rate).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (!(sorted[i].Quality > sorted[i - 1].Quality)) return false;
        return true;
    }

    /// <summary>Sorted by quality, as (quality, ln rate); repeated qualities are merged (a fit needs distinct x).</summary>
    private static (double Q, double LogR)[] Prepare(IEnumerable<(double Rate, double Quality)> curve) =>
        curve.Where(p => p.Rate > 0 && double.IsFinite(p.Rate) && double.IsFinite(p.Quality))
            .GroupBy(p => p.Quality)
            .Select(g => (Q: g.Key, LogR: g.Average(p => Math.Log(p.Rate))))
            .OrderBy(p => p.Q)
            .ToArray();

    private static double Integrate((double Q, double LogR)[] c, double lo, double hi, BdRateMethod method) =>
        method == BdRateMethod.Polynomial ? IntegratePolynomial(c, lo, hi) : IntegratePchip(c, lo, hi);

    // VCEG-M33 fits a cubic (fewer points: the highest degree they determine). Quality is centred
    // and scaled to [-1, 1] first: raw PSNR^6 in the normal equations would lose most digits.
    private static double IntegratePolynomial((double Q, double LogR)[] c, double lo, double hi)
    {
        int degree = Math.Min(3, c.Length - 1);
        double centre = (c[0].Q + c[^1].Q) / 2, scale = (c[^1].Q - c[0].Q) / 2;
        var coef = FitPolynomial(c.Select(p => (p.Q - centre) / scale).ToArray(), c.Select(p => p.LogR).ToArray(), degree);
        double Antiderivative(double t)
        {
            double sum = 0, power = t;
            for (int k = 0; k <= degree; k++, power *= t) sum += coef[k] * power / (k + 1);
            return sum;
        }
        return scale * (Antiderivative((hi - centre) / scale) - Antiderivative((lo - centre) / scale));
    }

    /// <summary>Least-squares polynomial coefficients (constant first) via the normal equations.</summary>
    private static double[] FitPolynomial(double[] x, double[] y, int degree)
    {
        int n = degree + 1;
        var m = new double[n, n + 1];
        for (int i = 0; i < x.Length; i++)
        {
            var powers = new double[2 * n - 1];
            powers[0] = 1;
            for (int k = 1; k < powers.Length; k++) powers[k] = powers[k - 1] * x[i];
            for (int r = 0; r < n; r++)
            {
                for (int col = 0; col < n; col++) m[r, col] += powers[r + col];
                m[r, n] += powers[r] * y[i];
            }
        }
        return Solve(m, n);
    }

    // Gaussian elimination with partial pivoting on an n x (n+1) augmented matrix.
    private static double[] Solve(double[,] m, int n)
    {
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (int k = 0; k <= n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int k = col; k <= n; k++) m[r, k] -= f * m[col, k];
            }
        }
        var result = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = m[r, n];
            for (int k = r + 1; k < n; k++) sum -= m[r, k] * result[k];
            result[r] = sum / m[r, r];
        }
        return result;
    }

    // Monotone piecewise cubic Hermite (Fritsch–Carlson slopes, as scipy's PchipInterpolator),
    // integrated exactly segment by segment.
    private static double IntegratePchip((double Q, double LogR)[] c, double lo, double hi)
    {
        var slopes = PchipSlopes(c);
        double total = 0;
        for (int i = 0; i < c.Length - 1; i++)
        {
            double x0 = c[i].Q, x1 = c[i + 1].Q;
            double a = Math.Max(lo, x0), b = Math.Min(hi, x1);
            if (b <= a) continue;
            double h = x1 - x0, delta = (c[i + 1].LogR - c[i].LogR) / h;
            // On the segment, with s = x - x0: y0 + m0 s + c2 s^2 + c3 s^3.
            double y0 = c[i].LogR, m0 = slopes[i], m1 = slopes[i + 1];
            double c2 = (3 * delta - 2 * m0 - m1) / h, c3 = (m0 + m1 - 2 * delta) / (h * h);
            double F(double s) => s * (y0 + s * (m0 / 2 + s * (c2 / 3 + s * c3 / 4)));
            total += F(b - x0) - F(a - x0);
        }
        return total;
    }

    private static double[] PchipSlopes((double Q, double LogR)[] c)
    {
        int n = c.Length;
        var h = new double[n - 1];
        var d = new double[n - 1];
        for (int i = 0; i < n - 1; i++)
        {
            h[i] = c[i + 1].Q - c[i].Q;
            d[i] = (c[i + 1].LogR - c[i].LogR) / h[i];
        }
        var m = new double[n];
        if (n == 2)
        {
            m[0] = m[1] = d[0];
            return m;
        }
        for (int i = 1; i < n - 1; i++)
        {
            if (d[i - 1] * d[i] <= 0) continue; // a local extremum or a flat piece: slope 0 keeps it monotone
            double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
            m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]);
        }
        m[0] = EndSlope(h[0], h[1], d[0], d[1]);
        m[n - 1] = EndSlope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
        return m;
    }

    // Three-point end slope, limited so the end segment does not overshoot.
    private static double EndSlope(double h0, double h1, double d0, double d1)
    {
        double m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (Math.Sign(m) != Math.Sign(d0)) return 0;
        if (Math.Sign(d0) != Math.Sign(d1) && Math.Abs(m) > Math.Abs(3 * d0)) return 3 * d0;
        return m;
    }
}
