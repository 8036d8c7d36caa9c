using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Model;

/// <summary>
/// Variable rate from one model (Cui et al. 2021, asymmetric gained compression): a learned
/// per-channel gain per rate level scales y before quantisation and an inverse gain rescales
/// y-hat before the generator. A continuous rate t in [0, levels-1] interpolates geometrically
/// between the two nearest levels, g = g_a^(1-f) * g_b^f, which is linear in log space; the
/// gains are stored as logs for that reason (and to stay positive).
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

    public Tensor Gain(double t) => Interpolate(logGain, t);
    public Tensor InverseGain(double t) => Interpolate(logInverseGain, t);

    private Tensor Interpolate(Tensor logs, double t)
    {
        if (double.IsNaN(t) || t < 0 || t > levels - 1)
            throw new ArgumentOutOfRangeException(nameof(t), t, $"Rate must be in [0, {levels - 1}].");
        using var scope = NewDisposeScope();
        int a = Math.Min((int)Math.Floor(t), levels - 1);
        int b = Math.Min(a + 1, levels - 1);
        double f = t - a;
        var log = logs[a] * (1 - f) + logs[b] * f;
        return log.exp().reshape(1, -1, 1, 1).MoveToOuterDisposeScope();
    }
}
