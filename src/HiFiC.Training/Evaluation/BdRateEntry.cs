namespace HiFiC.Training.Evaluation;

/// <summary>
/// BD-rate of Test against Anchor for one metric, in percent (negative: Test saves bits).
/// MeanCurve is computed on the dataset-mean curves; PerImageMean averages the per-image BD-rates
/// over the Images where both curves overlap in quality (NaN when none do).
/// </summary>
public sealed record BdRateEntry(string Metric, string Test, string Anchor, double MeanCurve, double PerImageMean, int Images)
{
    public const string Psnr = "PSNR";
    public const string MsSsim = "MS-SSIM";
}
