using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Model;

/// <summary>
/// HiFiC's ChannelNorm: per pixel, normalise over channels, then a learned per-channel affine.
/// Unlike instance norm it does not depend on the image size, so tiles and crops see the same
/// statistics as whole images (the paper's reason for it).
/// </summary>
public sealed class ChannelNorm2d : nn.Module<Tensor, Tensor>
{
    private const double Epsilon = 1e-3;
    private readonly Parameter gamma;
    private readonly Parameter beta;

    public ChannelNorm2d(int channels) : base(nameof(ChannelNorm2d))
    {
        gamma = new Parameter(ones(1, channels, 1, 1));
        beta = new Parameter(zeros(1, channels, 1, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = x.mean([1], keepdim: true);
        var centred = x - mean;
        // mean of centred squares: cheaper than var() and the same value (population variance).
        var variance = centred.square().mean([1], keepdim: true);
        var y = centred * (variance + Epsilon).rsqrt() * gamma + beta;
        return y.MoveToOuterDisposeScope();
    }
}
