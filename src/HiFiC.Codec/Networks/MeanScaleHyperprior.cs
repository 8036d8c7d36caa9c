using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>Hyperprior forward results for a batch of (gain-scaled) latents.</summary>
public sealed record HyperpriorForward(Tensor YHat, Tensor YLikelihood, Tensor ZLikelihood);

/// <summary>
/// The latent codec: z = h_a(y) with a factorized prior; y ~ N(mu, sigma) (x) U(-1/2, 1/2) with
/// mu and sigma from two separate hyper-synthesis nets. At inference the symbols are round(z)
/// and round(y - mu); <see cref="HiFiC.Codec.Coding.LatentCodec"/> owns that integer path.
/// </summary>
public sealed class MeanScaleHyperprior : nn.Module
{
    public HyperAnalysis Analysis { get; }
    public HyperSynthesis MeanSynthesis { get; }
    public HyperSynthesis ScaleSynthesis { get; }
    public FactorizedDensity ZDensity { get; }

    public MeanScaleHyperprior(HificPreset p) : base(nameof(MeanScaleHyperprior))
    {
        Analysis = new HyperAnalysis(p);
        MeanSynthesis = new HyperSynthesis(p);
        ScaleSynthesis = new HyperSynthesis(p);
        ZDensity = new FactorizedDensity(p.HyperLatentChannels);
        RegisterComponents();
    }

    public HyperpriorForward Forward(Tensor y, bool noisy)
    {
        using var scope = NewDisposeScope();
        var z = Analysis.forward(y);
        var zHat = noisy ? z + empty_like(z).uniform_(-0.5, 0.5) : z.round();
        var zLikelihood = ZDensity.forward(zHat);
        var mean = MeanSynthesis.forward(zHat);
        var scale = GaussianConditional.ScaleFromRaw(ScaleSynthesis.forward(zHat));
        var yForRate = noisy ? y + empty_like(y).uniform_(-0.5, 0.5) : (y - mean).round() + mean;
        var yLikelihood = GaussianConditional.Likelihood(yForRate, mean, scale);
        // Straight-through: the generator sees the rounded value, gradients pass as identity.
        var centred = y - mean;
        var yHat = centred + (centred.round() - centred).detach() + mean;
        return new HyperpriorForward(yHat.MoveToOuterDisposeScope(), yLikelihood.MoveToOuterDisposeScope(),
            zLikelihood.MoveToOuterDisposeScope());
    }
}
