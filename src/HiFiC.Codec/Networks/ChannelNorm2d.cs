using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// HiFiC's ChannelNorm: per pixel, normalise over channels, then a learned per-channel affine.
/// Unlike instance norm it does not depend on the image size, so tiles and crops see the same
/// statistics as whole images (the paper's reason for it).
/// Computed as one fused layer_norm over the channels of a channels-last tensor (its channels are the
/// innermost dimension): one pass instead of nine element-wise passes, the same arithmetic (population
/// variance, epsilon inside the root), and the result stays channels-last for the next convolution.
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
        long channels = x.shape[1];
        x = ChannelsLast.Of(x);
        if (!ChannelsLast.Is(x))
        {
            // NCHW (no blocked kernels to avoid): mean of centred squares, cheaper than var(), the same value.
            var centred = x - x.mean([1], keepdim: true);
            var variance = centred.square().mean([1], keepdim: true);
            return (centred * (variance + Epsilon).rsqrt() * gamma + beta).MoveToOuterDisposeScope();
        }
        var nhwc = x.permute(0, 2, 3, 1); // contiguous: channels innermost
        var y = nn.functional.layer_norm(nhwc, [channels], gamma.view(channels), beta.view(channels), Epsilon);
        return y.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
