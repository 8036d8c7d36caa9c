using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Codec.Networks;

/// <summary>
/// Conv2d whose weight is divided by its largest singular value, estimated by one power
/// iteration per training forward (Miyato et al. 2018). TorchSharp has no built-in spectral norm.
/// </summary>
public sealed class SpectralNormConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor u;
    private readonly long stride, padding;

    public SpectralNormConv2d(int inC, int outC, int kernel, int stride, int padding) : base(nameof(SpectralNormConv2d))
    {
        using var init = nn.Conv2d(inC, outC, kernel, stride: stride, padding: padding);
        weight = new Parameter(init.weight!.detach().clone());
        bias = new Parameter(init.bias!.detach().clone());
        u = functional.normalize(randn(outC), dim: 0);
        this.stride = stride;
        this.padding = padding;
        register_buffer("u", u);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var w = weight.reshape(weight.shape[0], -1);
        if (training)
        {
            using var noGrad = no_grad();
            var v = functional.normalize(w.t().mv(u), dim: 0);
            var uNew = functional.normalize(w.mv(v), dim: 0);
            u.copy_(uNew);
        }
        // A copy: u changes in place on every training forward, and autograd must see the value used here.
        var uFixed = u.detach().clone();
        var vFixed = functional.normalize(w.t().mv(uFixed), dim: 0).detach();
        var sigma = uFixed.dot(w.mv(vFixed));
        var result = functional.conv2d(ChannelsLast.Of(x), weight / sigma, bias, strides: [stride, stride], padding: [padding, padding]);
        return result.MoveToOuterDisposeScope();
    }
}
