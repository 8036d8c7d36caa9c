using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

public sealed class BdRateTests
{
    private static readonly double[] Qualities = [28, 30.5, 33, 35, 37.5, 40];

    // A plausible convex RD curve: rate grows exponentially with quality, with some curvature.
    private static (double Rate, double Quality)[] Curve(double rateFactor, double[]? qualities = null) =>
        (qualities ?? Qualities).Select(q => (rateFactor * 0.02 * Math.Exp(0.12 * q + 0.002 * (q - 34) * (q - 34)), q)).ToArray();

    [Theory]
    [InlineData(BdRateMethod.Polynomial)]
    [InlineData(BdRateMethod.Pchip)]
    public void A_codec_needing_twice_the_rate_at_every_quality_scores_plus_100_percent(BdRateMethod method)
    {
        Assert.Equal(100, BdRate.Compute(Curve(1), Curve(2), method), 9);
        Assert.Equal(-50, BdRate.Compute(Curve(2), Curve(1), method), 9);
    }

    [Theory]
    [InlineData(BdRateMethod.Polynomial)]
    [InlineData(BdRateMethod.Pchip)]
    public void Identical_curves_score_zero(BdRateMethod method) =>
        Assert.Equal(0, BdRate.Compute(Curve(1), Curve(1), method), 9);

    [Fact]
    public void The_polynomial_fit_averages_the_log_rate_gap_over_the_overlapping_quality_range_only()
    {
        // ln R_test - ln R_anchor = 0.001 (Q - 35)^2, exactly representable by a cubic. The test
        // curve covers 32..45, the anchor 30..40: the overlap is [32, 40], u = Q - 35 in [-3, 5],
        // mean gap = 0.001 * (5^3 + 3^3) / 3 / 8.
        var anchor = new[] { 30, 32.5, 35, 37.5, 40 }.Select(q => (Math.Exp(0.1 * q), q));
        var test = new[] { 32, 35, 38, 41, 45 }.Select(q => (Math.Exp(0.1 * q + 0.001 * (q - 35) * (q - 35)), (double)q));
        double expected = (Math.Exp(0.001 * (125 + 27) / 3.0 / 8.0) - 1) * 100;
        Assert.Equal(expected, BdRate.Compute(anchor, test), 9);
    }

    [Fact]
    public void Point_order_does_not_matter()
    {
        var shuffled = Curve(1.7).Reverse().ToArray();
        Assert.Equal(BdRate.Compute(Curve(1), Curve(1.7)), BdRate.Compute(Curve(1), shuffled), 12);
    }

    [Fact]
    public void Curves_that_do_not_overlap_in_quality_or_have_too_few_points_give_NaN()
    {
        Assert.True(double.IsNaN(BdRate.Compute(Curve(1, [20, 22, 24, 26]), Curve(1, [30, 32, 34, 36]))));
        Assert.True(double.IsNaN(BdRate.Compute(Curve(1), Curve(1, [33]))));
    }

    [Fact]
    public void Methods_agree_closely_on_smooth_curves_sampled_at_different_qualities()
    {
        var anchor = Curve(1);
        var test = Curve(1.3, [29, 31, 33.5, 36, 38.5]);
        double poly = BdRate.Compute(anchor, test, BdRateMethod.Polynomial);
        double pchip = BdRate.Compute(anchor, test, BdRateMethod.Pchip);
        Assert.InRange(poly, 29, 31);
        Assert.InRange(pchip, 29, 31);
    }

    [Fact]
    public void A_curve_whose_quality_does_not_rise_with_every_added_bit_is_not_monotonic()
    {
        Assert.True(BdRate.IsMonotonic(Curve(1)));
        Assert.False(BdRate.IsMonotonic([(0.1, 30), (0.2, 32), (0.4, 32), (0.8, 33)])); // flat past a knee
        Assert.False(BdRate.IsMonotonic([(0.1, 30), (0.2, 32), (0.4, 31.5)]));
        // Order of the points does not matter: rate order is what counts.
        Assert.True(BdRate.IsMonotonic([(0.4, 33), (0.1, 30), (0.2, 32)]));
    }

    [Fact]
    public void The_table_reports_a_non_monotonic_mean_curve_instead_of_fitting_it_and_leaves_such_images_out_of_the_median()
    {
        var points = SyntheticPoints.Make();
        // Image b of "ours" turns down at its last setting: more bits, less PSNR.
        int last = points.FindLastIndex(p => p.Image == "b" && p.Codec == "ours");
        points[last] = points[last] with { Psnr = points[last].Psnr - 10 };
        var curves = new[] { "jpeg", "ours" }.Select(c => RdCurve.Mean(c, c, points)).ToList();
        var table = BdRateTable.Build(curves, points, ["jpeg"]);
        var psnr = table.Single(e => e.Metric == BdRateEntry.Psnr && e.Test == "ours");
        Assert.True(double.IsNaN(psnr.MeanCurve));
        Assert.Contains("not monotonic", psnr.Note);
        Assert.Equal(1, psnr.NonMonotonicImages);
        Assert.Equal(1, psnr.Images);
        Assert.Equal(-50, psnr.PerImageMedian, 6);
        var msssim = table.Single(e => e.Metric == BdRateEntry.MsSsim && e.Test == "ours");
        Assert.Null(msssim.Note);
        Assert.Equal(-50, msssim.MeanCurve, 6);
    }

    [Fact]
    public void Butteraugli_reads_the_3_norm_line()
    {
        Assert.Equal(73.317039, Butteraugli.Parse("136.5911865234\n3-norm: 73.317039\n"), 9);
        Assert.Throws<InvalidOperationException>(() => Butteraugli.Parse("usage: ..."));
    }
}
