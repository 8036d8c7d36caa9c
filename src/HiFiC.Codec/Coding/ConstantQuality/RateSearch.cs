namespace HiFiC.Codec.Coding.ConstantQuality;

/// <summary>
/// The search of <see cref="QualityTarget"/> over the rate t, given any way to measure a rate's
/// quality (<see cref="ConstantQualityEncoder"/> codes and decodes the image; tests pass curves).
/// Quality is assumed to rise with t, as the model's does on photos; each rate is measured once.
/// </summary>
public static class RateSearch
{
    public static RateSearchResult Find(double minRate, double maxRate, QualityTarget target, Func<double, double> msSsimAt, CancellationToken ct = default)
    {
        target.Validate();
        if (!(minRate <= maxRate)) throw new ArgumentException($"Empty rate range {minRate}..{maxRate}.");
        var probes = new List<RateProbe>();
        var measured = new Dictionary<double, double>();
        double Q(double t)
        {
            if (measured.TryGetValue(t, out var q)) return q;
            ct.ThrowIfCancellationRequested();
            q = msSsimAt(t);
            if (double.IsNaN(q)) throw new InvalidOperationException($"MS-SSIM at rate {t} is not a number.");
            measured[t] = q;
            probes.Add(new RateProbe(t, q));
            return q;
        }

        // Upwards in coarse steps (on a grid from the lowest rate, the last step ending at the highest).
        double? below = null;
        for (int i = 0; ; i++)
        {
            double t = Math.Min(minRate + i * target.CoarseStep, maxRate);
            double q = Q(t);
            // Past the knee: the last step bought less than the knee gain, so stop below it, even
            // where the step would have reached the target (bits past the knee are never spent).
            if (below is { } b && q - Q(b) < target.KneeGain * (t - b) / target.CoarseStep)
                return new RateSearchResult(b, Q(b), RateSearchStop.Knee, probes);
            if (q >= target.MinMsSsim)
                return below is null ? new RateSearchResult(t, q, RateSearchStop.Reached, probes) : Bisect(below.Value, t);
            if (t >= maxRate) return new RateSearchResult(t, q, RateSearchStop.MaxRate, probes);
            below = t;
        }

        // Q(lo) < target <= Q(hi): halve until the bracket is the fine step; the upper end reaches the target.
        RateSearchResult Bisect(double lo, double hi)
        {
            while (hi - lo > target.FineStep * 1.0001)
            {
                double mid = Math.Round((lo + hi) / 2 / target.FineStep) * target.FineStep;
                if (mid <= lo || mid >= hi) mid = (lo + hi) / 2;
                if (Q(mid) >= target.MinMsSsim) hi = mid; else lo = mid;
            }
            return new RateSearchResult(hi, Q(hi), RateSearchStop.Reached, probes);
        }
    }
}
