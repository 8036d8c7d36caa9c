using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Tests.Imaging;

namespace HiFiC.Codec.Tests.Metrics;

public class PsnrTests
{
    [Fact]
    public void IdenticalImages_AreInfinite()
    {
        var img = TestImages.Random(10, 10, seed: 20);
        Assert.Equal(double.PositiveInfinity, Psnr.Compute(img, img));
    }

    [Fact]
    public void HandComputedCase()
    {
        var a = new RgbImage(2, 2, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
        var b = new RgbImage(2, 2, [11, 20, 30, 40, 48, 60, 70, 80, 90, 100, 110, 117]);
        double mse = (1 + 4 + 9) / 12.0; // differences 1, -2 and -3 over 12 samples
        Assert.Equal(10 * Math.Log10(255.0 * 255 / mse), Psnr.Compute(a, b), 12);
        Assert.Equal(Psnr.Compute(a, b), Psnr.Compute(b, a));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    public void UniformNoise_MatchesTheAnalyticMse(int k)
    {
        // Integer noise uniform on [-k, k]: E[d^2] = sum_{d=-k..k} d^2 / (2k+1) = k(k+1)/3.
        var clean = TestImages.Pattern(256, 256, lo: k, hi: 255 - k);
        var noisy = TestImages.AddUniformNoise(clean, k, seed: 21 + k);
        double expected = Psnr.FromMse(k * (k + 1) / 3.0);
        Assert.InRange(Psnr.Compute(clean, noisy), expected - 0.05, expected + 0.05);
    }

    [Fact]
    public void FromMse_EdgeCases()
    {
        Assert.Equal(double.PositiveInfinity, Psnr.FromMse(0));
        Assert.Equal(0, Psnr.FromMse(255 * 255), 12);
        Assert.Equal(20, Psnr.FromMse(0.01, peak: 1), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Psnr.FromMse(-1));
    }

    [Fact]
    public void DifferentSizes_Throw() =>
        Assert.Throws<ArgumentException>(() => Psnr.Compute(new RgbImage(2, 2), new RgbImage(2, 3)));

    [Fact]
    public void Bpp_CountsBitsPerPixel()
    {
        Assert.Equal(1.0, Bpp.FromBytes(1000, 100, 80));
        Assert.Equal(0.0, Bpp.FromBytes(0, 7, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bpp.FromBytes(10, 0, 7));
    }
}
