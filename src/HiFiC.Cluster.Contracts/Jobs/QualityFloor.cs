using System.Globalization;

namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// "Never worse than the original", as a work item carries it: the floor the decoded image must
/// reach (whole image and worst tile) and when the original's bytes are stored instead.
/// </summary>
/// <param name="MinMsSsim">MS-SSIM (0..1] the decoded image and each of its tiles must reach; null = no floor.</param>
/// <param name="MinPsnr">PSNR in dB the decoded image and each of its tiles must reach; null = no floor.</param>
[GenerateSerializer, Immutable, Alias("hific.QualityFloor.v1")]
public sealed record QualityFloor(
    [property: Id(0)] double? MinMsSsim,
    [property: Id(1)] double? MinPsnr,
    [property: Id(2)] KeepOriginalWhen When)
{
    /// <summary>What a job asks for when it says nothing: keep originals that would grow, and those below a floor if one is set.</summary>
    public const KeepOriginalWhen DefaultWhen = KeepOriginalWhen.Larger | KeepOriginalWhen.BelowFloor;

    /// <summary>Items queued before quality floors existed carry none: they get the default.</summary>
    public static QualityFloor Default { get; } = new(null, null, DefaultWhen);

    public bool HasFloor => MinMsSsim is not null || MinPsnr is not null;

    public static QualityFloor Of(JobSpec spec) => new(spec.MinMsSsim, spec.MinPsnr, spec.KeepOriginalWhen ?? DefaultWhen);

    /// <summary>Why the floor values are invalid, or null (shared by the API, the CLI and the coordinator).</summary>
    public static string? Check(double? minMsSsim, double? minPsnr)
    {
        if (minMsSsim is { } m && !(m > 0 && m <= 1)) return $"minMsSsim {m.ToString(CultureInfo.InvariantCulture)} must be in (0, 1]";
        if (minPsnr is { } p && !(p > 0 && p <= 100)) return $"minPsnr {p.ToString(CultureInfo.InvariantCulture)} must be in (0, 100] dB";
        return null;
    }

    /// <summary>Parses "larger", "belowFloor", "larger,belowFloor" or "never" (case-insensitive).</summary>
    public static bool TryParseWhen(string? text, out KeepOriginalWhen when)
    {
        when = KeepOriginalWhen.Never;
        if (string.IsNullOrWhiteSpace(text)) return false;
        foreach (var part in text.Split([',', '|', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "larger": when |= KeepOriginalWhen.Larger; break;
                case "belowfloor": when |= KeepOriginalWhen.BelowFloor; break;
                case "never" or "none": break;
                default: return false;
            }
        }
        return true;
    }

    public static string Describe(KeepOriginalWhen when) => when switch
    {
        KeepOriginalWhen.Never => "never",
        KeepOriginalWhen.Larger => "larger",
        KeepOriginalWhen.BelowFloor => "belowFloor",
        _ => "larger,belowFloor",
    };
}
