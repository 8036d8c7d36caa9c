using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>h_a: y to z at a quarter of y's resolution (3x3 s1, 5x5 s2, 5x5 s2).</summary>
public sealed class HyperAnalysis : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public HyperAnalysis(HificPreset p) : base(nameof(HyperAnalysis))
    {
        layers = nn.Sequential(
            ("conv0", nn.Conv2d(p.LatentChannels, p.HyperWidth, 3, stride: 1, padding: 1)),
            ("relu0", nn.ReLU()),
            ("conv1", nn.Conv2d(p.HyperWidth, p.HyperWidth, 5, stride: 2, padding: 2)),
            ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(p.HyperWidth, p.HyperLatentChannels, 5, stride: 2, padding: 2)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor y)
    {
        using var scope = NewDisposeScope();
        return ChannelsLast.Forward(layers, y).contiguous().MoveToOuterDisposeScope();
    }
}
