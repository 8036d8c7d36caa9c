using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// h_s: z-hat back to y's resolution. Two of these exist, one for the means and one for the
/// scales (the mean-scale hyperprior keeps them separate).
/// </summary>
public sealed class HyperSynthesis : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public HyperSynthesis(HificPreset p) : base(nameof(HyperSynthesis))
    {
        layers = nn.Sequential(
            ("up0", nn.ConvTranspose2d(p.HyperLatentChannels, p.HyperWidth, 5, stride: 2, padding: 2, output_padding: 1)),
            ("relu0", nn.ReLU()),
            ("up1", nn.ConvTranspose2d(p.HyperWidth, p.HyperWidth, 5, stride: 2, padding: 2, output_padding: 1)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(p.HyperWidth, p.LatentChannels, 3, stride: 1, padding: 1)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor zHat)
    {
        using var scope = NewDisposeScope();
        return ChannelsLast.Forward(layers, zHat).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The convolutions in order (ReLU between them), for the integer version of this network.</summary>
    public IReadOnlyList<(bool Transposed, Tensor Weight, Tensor Bias)> Convolutions()
    {
        var result = new List<(bool, Tensor, Tensor)>();
        foreach (var (_, module) in layers.named_children())
        {
            if (module is ConvTranspose2d up) result.Add((true, up.weight!, up.bias!));
            else if (module is Conv2d conv) result.Add((false, conv.weight!, conv.bias!));
        }
        return result;
    }
}
