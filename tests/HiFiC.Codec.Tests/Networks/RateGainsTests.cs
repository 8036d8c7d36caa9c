using HiFiC.Codec.Networks;
using static TorchSharp.torch;

// Folder "Networks", not "Model": a HiFiC.Codec.Tests.Model namespace would hide HiFiC.Codec.Networks from the other tests.
namespace HiFiC.Codec.Tests.Networks;

public class RateGainsTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Rates_between_levels_interpolate_and_past_the_ends_extrapolate_in_log_space()
    {
        using var gains = new RateGains(3, 4);
        float[] g0 = Values(gains.Gain(0)), g1 = Values(gains.Gain(1)), g2 = Values(gains.Gain(2));
        float[] half = Values(gains.Gain(0.5)), below = Values(gains.Gain(-0.5)), above = Values(gains.Gain(2.5));
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(Math.Sqrt(g0[c] * g1[c]), half[c], 5);
            // Half a level below lo continues the lo-mi line; half above hi continues mi-hi.
            Assert.Equal(g0[c] * Math.Pow(g0[c] / g1[c], 0.5), below[c], 5);
            Assert.Equal(g2[c] * Math.Pow(g2[c] / g1[c], 0.5), above[c], 5);
            Assert.True(below[c] < g0[c] && above[c] > g2[c]);
        }
        float[] inverse = Values(gains.InverseGain(-0.5));
        for (int c = 0; c < 4; c++) Assert.Equal(1 / below[c], inverse[c], 4); // the initial inverse gains mirror the gains
    }

    [Theory]
    [InlineData(-0.51)]
    [InlineData(2.51)]
    [InlineData(double.NaN)]
    public void Rates_beyond_half_a_level_past_the_ends_are_refused(double t)
    {
        using var gains = new RateGains(3, 4);
        Assert.False(RateGains.InRange(t, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => gains.Gain(t));
    }

    [Fact]
    public void The_range_is_stated_for_messages()
    {
        Assert.Equal("-0.5..2.5", RateGains.RangeText(3));
        Assert.Equal("0..0", RateGains.RangeText(1));
    }
}
