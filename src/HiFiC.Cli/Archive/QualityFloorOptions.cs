using System.CommandLine;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cli.Archive;

/// <summary>
/// The "never worse than the original" options of `archive compress` and `job submit`:
/// --min-ms-ssim, --min-psnr (checked on the whole image and its worst tile; they imply --verify)
/// and --keep-original-when.
/// </summary>
public sealed class QualityFloorOptions
{
    public Option<double?> MinMsSsim { get; } = new("--min-ms-ssim")
    {
        Description = "Quality floor: the decoded image and each of its tiles must reach this MS-SSIM (0-1]. Implies --verify.",
    };

    public Option<double?> MinPsnr { get; } = new("--min-psnr")
    {
        Description = "Quality floor in dB of PSNR, checked like --min-ms-ssim. Implies --verify.",
    };

    public Option<string?> KeepOriginalWhen { get; } = new("--keep-original-when")
    {
        Description = "When the archive stores the original's bytes instead of the .hific: larger, belowFloor, both (larger,belowFloor: the default) or never. "
            + "Animations, multi-page TIFFs and CMYK images are always stored as they are.",
    };

    public void AddTo(Command command)
    {
        command.Add(MinMsSsim);
        command.Add(MinPsnr);
        command.Add(KeepOriginalWhen);
        command.Validators.Add(r =>
        {
            if (QualityFloor.Check(r.GetValue(MinMsSsim), r.GetValue(MinPsnr)) is { } error) r.AddError(error.Replace("minMsSsim", "--min-ms-ssim").Replace("minPsnr", "--min-psnr"));
            if (r.GetValue(KeepOriginalWhen) is { } text && !QualityFloor.TryParseWhen(text, out _))
                r.AddError($"--keep-original-when '{text}' is not larger, belowFloor, larger,belowFloor or never");
        });
    }

    /// <summary>The parsed --keep-original-when (null = the default).</summary>
    public KeepOriginalWhen? When(ParseResult r) =>
        r.GetValue(KeepOriginalWhen) is { } text && QualityFloor.TryParseWhen(text, out var when) ? when : null;
}
