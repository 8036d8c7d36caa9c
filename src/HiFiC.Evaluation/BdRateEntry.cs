namespace HiFiC.Evaluation;

/// <summary>
/// BD-rate of Test against Anchor for one metric, in percent (negative: Test saves bits).
/// MeanCurve is computed on the dataset-mean curves; PerImageMedian is the median of the per-image
/// BD-rates over the Images where both curves overlap in quality (NaN when none do). The median,
/// not the mean: where two curves barely overlap on one image, the extrapolated fit can give that
/// image a BD-rate of thousands of percent (+272,328% once), which no mean absorbs.
/// </summary>
/// <param name="Note">Why <paramref name="MeanCurve"/> is missing (a mean curve that is not monotonic), or null.</param>
/// <param name="NonMonotonicImages">Images left out of the median because one of their two curves is not monotonic.</param>
public sealed record BdRateEntry(string Metric, string Test, string Anchor, double MeanCurve, double PerImageMedian, int Images,
    string? Note = null, int NonMonotonicImages = 0)
{
    public const string Psnr = "PSNR";
    public const string MsSsim = "MS-SSIM";
}
