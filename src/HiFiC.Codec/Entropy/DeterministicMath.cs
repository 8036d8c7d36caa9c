namespace HiFiC.Codec.Entropy;

/// <summary>
/// exp, log and erfc built only from IEEE-exact operations (+, -, *, /, round, bit casts).
/// Math.Exp/Log call the platform's C library, whose last bits differ between operating systems
/// and CPUs; the scale table and the CDFs must come out bit-identical everywhere.
/// </summary>
internal static class DeterministicMath
{
    // fdlibm's split of ln 2: the high part has trailing zero bits, so k * Ln2Hi is exact.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double Sqrt2 = 1.41421356237309504880;
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrtPi = 0.56418958354775628695;
    private const double TwoOverSqrtPi = 1.12837916709551257390;
    private const double MinNormal = 2.2250738585072014E-308;

    public static double Exp(double x)
    {
        if (double.IsNaN(x) || x > 709)
        {
            return double.IsNaN(x) ? x : double.PositiveInfinity;
        }

        // Below e^-708 results are subnormal; everything here that small is a negligible tail.
        if (x < -708)
        {
            return 0;
        }

        double k = Math.Round(x * InvLn2);
        double r = x - k * Ln2Hi - k * Ln2Lo;

        // Taylor series by Horner; |r| <= 0.35 puts the degree-20 remainder below 1e-20.
        double sum = 1;
        for (int n = 20; n >= 1; n--)
        {
            sum = 1 + r * sum / n;
        }

        return sum * BitConverter.Int64BitsToDouble((long)((int)k + 1023) << 52);
    }

    public static double Log(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Log needs a finite positive argument.");
        }

        int exponentBias = 0;
        if (x < MinNormal)
        {
            x *= 18014398509481984.0; // 2^54 makes a subnormal normal.
            exponentBias = 54;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)(bits >> 52) - 1023 - exponentBias;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > Sqrt2)
        {
            m *= 0.5;
            e++;
        }

        // log m = 2 atanh(t) = 2 (t + t^3/3 + ...); |t| <= 0.172 so 14 terms reach 1e-22.
        double t = (m - 1) / (m + 1);
        double t2 = t * t;
        double s = 0;
        for (int n = 27; n >= 1; n -= 2)
        {
            s = 1.0 / n + t2 * s;
        }

        return e * Ln2Hi + (e * Ln2Lo + 2 * t * s);
    }

    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 2)
        {
            // erf = 2/sqrt(pi) e^-x² Σ 2^n x^(2n+1) / (2n+1)!!: positive terms, no cancellation.
            double term = x, sum = x, twoX2 = 2 * x * x;
            for (int n = 1; n < 200 && term > sum * 1e-18; n++)
            {
                term = term * twoX2 / (2 * n + 1);
                sum += term;
            }

            return 1 - TwoOverSqrtPi * Exp(-x * x) * sum;
        }

        if (x > 27)
        {
            return 0;
        }

        // Laplace's continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), evaluated from a
        // fixed depth backwards: converges fastest for large x and is ample from x = 2 on.
        double f = x;
        for (int n = 120; n >= 1; n--)
        {
            f = x + n * 0.5 / f;
        }

        return InvSqrtPi * Exp(-x * x) / f;
    }

    /// <summary>Q(z) = P(N(0,1) > z), accurate in the far tail where 1 - Phi(z) would cancel.</summary>
    public static double NormalUpperTail(double z) => 0.5 * Erfc(z * InvSqrt2);

    /// <summary>The z with Q(z) = p, for p in (0, 1/2], by bisection (exact repeatability over speed).</summary>
    public static double InverseNormalUpperTail(double p)
    {
        if (!(p > 0 && p <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The upper-tail probability must lie in (0, 0.5].");
        }

        double lo = 0, hi = 40;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (NormalUpperTail(mid) > p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }
}
