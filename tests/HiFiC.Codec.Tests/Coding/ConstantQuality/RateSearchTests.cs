using HiFiC.Codec.Coding.ConstantQuality;

namespace HiFiC.Codec.Tests.Coding.ConstantQuality;

public class RateSearchTests
{
    private const double Min = -0.5, Max = 2.5;

    /// <summary>hific-lite's mean MS-SSIM on the eval photos (docs/results/gan/rd-curves.csv), linear between the measured rates.</summary>
    private static double LiteCurve(double t)
    {
        double[] ts = [-0.5, 0, 0.5, 1, 1.5, 2, 2.5];
        double[] qs = [0.92367, 0.94782, 0.95824, 0.96250, 0.96361, 0.96423, 0.96460];
        int i = Math.Clamp((int)Math.Floor((t - ts[0]) / 0.5), 0, ts.Length - 2);
        double f = (t - ts[i]) / 0.5;
        return qs[i] + (qs[i + 1] - qs[i]) * f;
    }

    private static double Steep(double t) => 0.90 + 0.02 * t; // 0.01 per half level: no knee anywhere

    [Theory]
    [InlineData(0.8995)]
    [InlineData(0.9031)]
    [InlineData(0.9251)]
    [InlineData(0.9399)]
    [InlineData(0.9500)]
    public void The_chosen_rate_is_the_lowest_on_the_fine_grid_that_reaches_the_target(double q)
    {
        var target = new QualityTarget(q);
        var choice = RateSearch.Find(Min, Max, target, Steep);
        var grid = Enumerable.Range(0, 25).Select(i => Min + i * target.FineStep).ToList();
        double expected = grid.First(t => Steep(t) >= q);
        Assert.Equal(RateSearchStop.Reached, choice.Stop);
        Assert.Equal(expected, choice.Rate, 9);
        Assert.True(choice.MsSsim >= q);
        // Each rate is measured once, and far fewer than the whole grid.
        Assert.Equal(choice.Probes.Count, choice.Probes.Select(p => p.Rate).Distinct().Count());
        Assert.True(choice.Probes.Count <= 9, $"{choice.Probes.Count} probes");
    }

    [Fact]
    public void A_target_met_at_the_lowest_rate_costs_one_probe()
    {
        var choice = RateSearch.Find(Min, Max, new QualityTarget(0.5), Steep);
        Assert.Equal((Min, RateSearchStop.Reached, 1), (choice.Rate, choice.Stop, choice.Probes.Count));
    }

    [Fact]
    public void An_unreachable_target_gives_the_knee_rate_and_says_so()
    {
        var choice = RateSearch.Find(Min, Max, new QualityTarget(0.99), LiteCurve);
        Assert.Equal(RateSearchStop.Knee, choice.Stop);
        Assert.False(choice.Reached);
        Assert.Equal(1.0, choice.Rate, 9); // 0.5 -> 1 gains 0.0043, 1 -> 1.5 only 0.0011
        Assert.Equal(LiteCurve(1.0), choice.MsSsim, 9);
        Assert.True(choice.Probes.Max(p => p.Rate) <= 1.5, "no rate beyond the first flat step is coded");
    }

    [Fact]
    public void A_target_only_reachable_past_the_knee_is_not_bought_with_flat_bits()
    {
        // Reached at t = 1.5 on the lite curve, but that step buys 0.0011: the search stops at the knee.
        var choice = RateSearch.Find(Min, Max, new QualityTarget(0.9636), LiteCurve);
        Assert.Equal((1.0, RateSearchStop.Knee), (choice.Rate, choice.Stop));
    }

    [Fact]
    public void Below_the_knee_the_lite_curve_is_searched_to_the_fine_step()
    {
        var choice = RateSearch.Find(Min, Max, new QualityTarget(0.955), LiteCurve);
        Assert.Equal(RateSearchStop.Reached, choice.Stop);
        Assert.True(LiteCurve(choice.Rate) >= 0.955 && LiteCurve(choice.Rate - 0.125) < 0.955, $"t = {choice.Rate}");
    }

    [Fact]
    public void Without_a_knee_an_unreachable_target_ends_at_the_highest_rate()
    {
        var choice = RateSearch.Find(Min, Max, new QualityTarget(0.999) { KneeGain = 0 }, Steep);
        Assert.Equal((Max, RateSearchStop.MaxRate), (choice.Rate, choice.Stop));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Targets_outside_0_to_1_are_refused(double q)
    {
        Assert.NotNull(new QualityTarget(q).Check());
        Assert.Throws<ArgumentException>(() => RateSearch.Find(Min, Max, new QualityTarget(q), Steep));
    }
}
