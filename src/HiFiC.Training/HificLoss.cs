using HiFiC.Codec.Metrics;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Training;

/// <summary>The terms of HiFiC's objective for one batch.</summary>
public sealed record LossTerms(Tensor Total, double Bpp, double Mse255, double MsSsim, double Lambda, double Adversarial)
{
    public bool IsFinite => double.IsFinite(Bpp) && double.IsFinite(Mse255) && double.IsFinite(MsSsim) && double.IsFinite(Adversarial);
}

public static class HificLoss
{
    /// <summary>
    /// lambda'·r + k_M·MSE + k_P·d_P (+ beta·(-log D(x', y)) in the GAN phase), with lambda' = lambda_a
    /// while the batch's bpp is above the level's target and lambda_b below it.
    /// </summary>
    public static LossTerms Generator(TrainerOptions o, int level, Tensor x, Tensor reconstruction, Tensor bpp, Tensor? fakeLogits)
    {
        var bppMean = bpp.mean();
        double bppValue = bppMean.item<float>();
        double lambda = bppValue > o.RateTargets[level] ? o.LambdaA[level] : o.LambdaB[level];
        var mse = (reconstruction - x).mul(255).square().mean();
        var msssim = MsSsim.Compute(reconstruction, x, 1.0).mean();
        var total = bppMean * lambda + mse * o.KM + (1 - msssim) * o.KP;
        double adversarial = 0;
        if (fakeLogits is not null)
        {
            // Non-saturating generator loss: -log sigmoid(D(x')) = softplus(-logits).
            var adv = functional.softplus(-fakeLogits).mean();
            adversarial = adv.item<float>();
            total = total + adv * o.Beta;
        }
        return new LossTerms(total, bppValue, mse.item<float>(), msssim.item<float>(), lambda, adversarial);
    }

    /// <summary>Discriminator: -log D(x, y) - log(1 - D(x', y)).</summary>
    public static Tensor Discriminator(Tensor realLogits, Tensor fakeLogits) =>
        functional.softplus(-realLogits).mean() + functional.softplus(fakeLogits).mean();
}
