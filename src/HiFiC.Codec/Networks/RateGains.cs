using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// Variable rate from one model (Cui et al. 2021, asymmetric gained compression): a learned
/// per-channel gain per rate level scales y before quantisation and an inverse gain rescales
/// y-hat before the generator. A continuous rate t interpolates geometrically between the two
/// nearest levels, g = g_a^(1-f) * g_b^f, which is linear in log space; the gains are stored as
/// logs for that reason (and to stay positive). Up to <see cref="Extrapolation"/> of a level past
/// the first and last levels the same line is extended: below level 0 it keeps trading fidelity
/// for bits the way it does between lo and mi (measured in docs/results/capacity.md), which lets a
/// model reach rates it was not trained at; the model card says which rates were measured.
/// </summary>
public sealed class RateGains : nn.Module
{
    private readonly Parameter logGain;
    private readonly Parameter logInverseGain;
    private readonly int levels;

    public RateGains(int levels, int channels) : base(nameof(RateGains))
    {
        this.levels = levels;
        // Start the levels apart (coarser to finer quantisation) so training need not discover it.
        var start = linspace(-0.7, 0.7, levels).reshape(levels, 1).expand(levels, channels).contiguous();
        logGain = new Parameter(start.clone());
        logInverseGain = new Parameter(-start.clone());
        RegisterComponents();
    }

    public int Levels => levels;

    /// <summary>How far (in levels) a rate may go past the first and the last trained level.</summary>
    public const double Extrapolation = 0.5;

    /// <summary>The lowest rate t a model with <paramref name="levels"/> levels accepts.</summary>
    public static double MinRate(int levels) => levels > 1 ? -Extrapolation : 0;

    /// <summary>The highest rate t a model with <paramref name="levels"/> levels accepts.</summary>
    public static double MaxRate(int levels) => levels > 1 ? levels - 1 + Extrapolation : 0;

    public static bool InRange(double t, int levels) => !double.IsNaN(t) && t >= MinRate(levels) && t <= MaxRate(levels);

    /// <summary>"-0.5..2.5", for messages.</summary>
    public static string RangeText(int levels) =>
        FormattableString.Invariant($"{MinRate(levels):0.###}..{MaxRate(levels):0.###}");

    public Tensor Gain(double t) => Interpolate(logGain, t);
    public Tensor InverseGain(double t) => Interpolate(logInverseGain, t);

    private Tensor Interpolate(Tensor logs, double t)
    {
        if (!InRange(t, levels))
            throw new ArgumentOutOfRangeException(nameof(t), t, $"Rate must be in {RangeText(levels)}.");
        using var scope = NewDisposeScope();
        if (levels == 1) return logs[0].exp().reshape(1, -1, 1, 1).MoveToOuterDisposeScope();
        // The segment of the nearest two levels; f falls outside [0, 1] past the ends (extrapolation).
        int a = Math.Clamp((int)Math.Floor(t), 0, levels - 2);
        double f = t - a;
        var log = logs[a] * (1 - f) + logs[a + 1] * f;
        return log.exp().reshape(1, -1, 1, 1).MoveToOuterDisposeScope();
    }
}
