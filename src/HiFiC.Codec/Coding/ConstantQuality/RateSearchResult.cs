namespace HiFiC.Codec.Coding.ConstantQuality;

/// <summary>One rate the search tried and the MS-SSIM its decoded image had.</summary>
public readonly record struct RateProbe(double Rate, double MsSsim);

/// <summary>The rate <see cref="RateSearch"/> chose, its quality, why, and every probe in the order tried.</summary>
public sealed record RateSearchResult(double Rate, double MsSsim, RateSearchStop Stop, IReadOnlyList<RateProbe> Probes)
{
    public bool Reached => Stop == RateSearchStop.Reached;
}
