using HiFiC.Codec.Models;

namespace HiFiC.Training.Tests;

public class RateCalibratorTests
{
    // Step 28,226 of hific-lite on the 30 eval photos (means over images).
    private static readonly RatePoint[] Curve =
    [
        new("level0", 0, 0, EvalBpp: 0.164),
        new("level1", 1, 0, EvalBpp: 0.330),
        new("level2", 2, 0, EvalBpp: 0.444),
    ];

    [Theory]
    [InlineData(0.164, 0.0)]   // on a level
    [InlineData(0.30, 0.86)]   // between levels, log-linear
    [InlineData(0.45, 2.05)]   // just past hi: the mi-hi line extended
    [InlineData(0.14, -0.23)]  // below lo: the lo-mi line extended
    public void Names_land_on_the_rate_of_their_target(double bpp, double t) =>
        Assert.Equal(t, RateCalibrator.Place(Curve, bpp, 3), 6);

    [Fact]
    public void Targets_out_of_reach_stop_at_the_codecs_range()
    {
        Assert.Equal(-0.5, RateCalibrator.Place(Curve, 0.01, 3));
        Assert.Equal(2.5, RateCalibrator.Place(Curve, 5, 3));
    }
}
