using System.Globalization;

namespace HiFiC.Codec.Coding.ConstantQuality;

/// <summary>
/// Constant-quality coding: the lowest rate t whose decoded image reaches <see cref="MinMsSsim"/>.
/// The search (<see cref="RateSearch"/>) walks the model's range upwards in steps of
/// <see cref="CoarseStep"/>, then halves the bracket that crosses the target down to <see cref="FineStep"/>.
/// It never spends bits past the knee: when one coarse step up gains less than <see cref="KneeGain"/>
/// of MS-SSIM, more bits buy next to nothing (hific-lite on the eval photos gains 0.0043 from t = 0.5
/// to 1 but 0.0011 from 1 to 1.5 and 0.0006 from 1.5 to 2), so the search stops below that step.
/// </summary>
/// <param name="MinMsSsim">The MS-SSIM (0..1] the decoded image must reach.</param>
public sealed record QualityTarget(double MinMsSsim)
{
    /// <summary>Default knee: MS-SSIM gained per coarse step (half a level) below which a step is not worth its bits.</summary>
    public const double DefaultKneeGain = 0.002;

    public double KneeGain { get; init; } = DefaultKneeGain;
    /// <summary>Rate step of the upward walk (half a level).</summary>
    public double CoarseStep { get; init; } = 0.5;
    /// <summary>Resolution of the chosen rate: the bracket is halved until it is this narrow.</summary>
    public double FineStep { get; init; } = 0.125;

    /// <summary>Why the settings are invalid, or null.</summary>
    public string? Check()
    {
        if (!(MinMsSsim > 0 && MinMsSsim <= 1)) return $"target MS-SSIM must be in (0, 1] (got {MinMsSsim.ToString(CultureInfo.InvariantCulture)})";
        if (!(KneeGain >= 0) || !double.IsFinite(KneeGain)) return "knee gain must be a finite number ≥ 0";
        if (!(CoarseStep > 0) || !(FineStep > 0) || FineStep > CoarseStep) return "steps must be positive, the fine one at most the coarse one";
        return null;
    }

    public void Validate()
    {
        if (Check() is { } why) throw new ArgumentException(why);
    }
}
