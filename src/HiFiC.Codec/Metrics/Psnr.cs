using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Metrics;

/// <summary>Peak signal-to-noise ratio over all RGB samples of 8-bit images (peak 255).</summary>
public static class Psnr
{
    /// <summary>PSNR in dB; <see cref="double.PositiveInfinity"/> for identical images.</summary>
    public static double Compute(RgbImage a, RgbImage b)
    {
        SameSize(a, b);
        ReadOnlySpan<byte> pa = a.Pixels, pb = b.Pixels;
        long sse = 0; // exact: integer squared errors cannot round
        for (int i = 0; i < pa.Length; i++)
        {
            int d = pa[i] - pb[i];
            sse += d * d;
        }
        return FromMse((double)sse / pa.Length);
    }

    public static double FromMse(double mse, double peak = 255)
    {
        if (double.IsNaN(mse) || mse < 0)
            throw new ArgumentOutOfRangeException(nameof(mse), mse, "MSE must be a non-negative number");
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);
    }

    internal static void SameSize(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"images differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
    }
}
