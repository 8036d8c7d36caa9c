using HiFiC.Codec.Metrics;
using HiFiC.Codec.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>
/// Encoder-side latent refinement (Campos et al. 2019, Yang et al. 2020). The analysis transform's
/// y is only a good guess. This class improves it for the one image at hand by gradient descent on
/// the training objective, λ(t)·bpp + k_M·MSE + k_P·(1 − MS-SSIM), with the hyperprior, generator
/// and gains held fixed. Additive noise stands in for quantisation in the rate term, and
/// straight-through rounding is used for the generator, as in training.
/// The decoder is unchanged, so a refined file is an ordinary .hific: only the encoder spends more
/// time. On the step-8,400 lite model, 40 steps on six 256 px eval crops gave +0.0172 MS-SSIM and
/// +0.77 dB at lo for 1.9% more bits. Going from lo to hi without refinement gives +0.0104 MS-SSIM
/// for 73% more bits. Each step costs about one training step of the generator and hyperprior,
/// roughly 2-3 s per megapixel on two CPU cores and milliseconds on a GPU.
/// </summary>
public static class LatentRefiner
{
    /// <summary>Adam step size on y, in quantisation steps. 0.15 overshot the rate in the first steps.</summary>
    public const double StepSize = 0.05;
    /// <summary>k_M and k_P of the trainer (src/HiFiC.Training/TrainerOptions): MSE on 0..255, 1 − MS-SSIM.</summary>
    public const double MseWeight = 4 * 0.075 / 32, MsSsimWeight = 10;
    /// <summary>
    /// The trainer's rate weights above target per level (lo, mi, hi). With these, refinement keeps
    /// about the rate the analysis transform chose and spends the effort on quality, so --rate lo
    /// still means lo.
    /// </summary>
    private static readonly double[] RateWeights = [6, 1.25, 0.625];

    /// <summary>λ at rate t: the level weights interpolated geometrically (3-level models), else from 6 down to 0.625.</summary>
    public static double RateWeight(double t, int levels)
    {
        if (levels <= 1) return RateWeights[1];
        double LevelWeight(int i) => levels == RateWeights.Length
            ? RateWeights[i]
            : Math.Exp(Math.Log(RateWeights[0]) + (Math.Log(RateWeights[^1]) - Math.Log(RateWeights[0])) * i / (levels - 1));
        int lo = Math.Clamp((int)Math.Floor(t), 0, levels - 2);
        double f = Math.Clamp(t - lo, 0, 1);
        return Math.Exp(Math.Log(LevelWeight(lo)) * (1 - f) + Math.Log(LevelWeight(lo + 1)) * f);
    }

    /// <summary>
    /// Refines <paramref name="yScaled"/> (the gain-scaled latent of <paramref name="x01"/>, [1,C,h/16,w/16])
    /// for <paramref name="steps"/> steps. Distortion counts only <paramref name="inside"/>, the part of x that
    /// is real image rather than edge padding, in pixels relative to x. Returns a new tensor; the network is not modified.
    /// </summary>
    public static Tensor Refine(HificModel network, Tensor x01, Tensor yScaled, double rate, int steps,
        (int X, int Y, int Width, int Height) inside, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps == 0) return yScaled.detach().clone();
        double lambda = RateWeight(rate, network.Preset.RateLevels);
        double pixels = (double)x01.shape[2] * x01.shape[3];
        using var enableGrad = enable_grad();
        var y = yScaled.detach().clone().requires_grad_(true);
        var m = zeros_like(y);
        var v = zeros_like(y);
        using var target = x01.narrow(2, inside.Y, inside.Height).narrow(3, inside.X, inside.Width);
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int step = 1; step <= steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var h = network.Hyperprior.Forward(y, noisy: true);
            var xHat = network.Synthesize(h.YHat, rate).narrow(2, inside.Y, inside.Height).narrow(3, inside.X, inside.Width);
            var bits = -h.YLikelihood.log2().sum() - h.ZLikelihood.log2().sum();
            var loss = bits / pixels * lambda
                       + (xHat - target).mul(255).square().mean() * MseWeight
                       + (1 - MsSsim.Compute(xHat, target, 1.0).mean()) * MsSsimWeight;
            // Gradients for y alone: the network's weights get none and keep no .grad.
            var grad = autograd.grad([loss], [y])[0];
            using (no_grad())
            {
                // Adam, written out: one tensor, no optimizer state to dispose.
                m.mul_(beta1).add_(grad, alpha: 1 - beta1);
                v.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
                var update = (m / correction1) / ((v / correction2).sqrt() + eps);
                y.sub_(update * StepSize);
            }
        }
        m.Dispose(); v.Dispose();
        var result = y.detach().clone();
        y.Dispose();
        return result;
    }
}
