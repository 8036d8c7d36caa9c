using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Codec.Networks;

/// <summary>Likelihood of y under N(mean, scale) convolved with U(-1/2, 1/2).</summary>
public static class GaussianConditional
{
    /// <summary>Scales never go below the smallest entry of the 64-entry table.</summary>
    public const float ScaleBound = 0.11f;

    public static Tensor Likelihood(Tensor y, Tensor mean, Tensor scale)
    {
        using var scope = NewDisposeScope();
        var values = (y - mean).abs();
        // Use the upper tail so that far values do not lose precision to 1 - 1.
        var upper = StandardCumulative((0.5 - values) / scale);
        var lower = StandardCumulative((-0.5 - values) / scale);
        return (upper - lower).clamp_min(1e-9).MoveToOuterDisposeScope();
    }

    private static Tensor StandardCumulative(Tensor x) => 0.5 * special.erfc(x * (-1.0 / Math.Sqrt(2.0)));

    /// <summary>Scale from the raw hyper-synthesis output: softplus keeps gradients alive everywhere (unlike a clamp).</summary>
    public static Tensor ScaleFromRaw(Tensor raw) => functional.softplus(raw) + ScaleBound;
}
