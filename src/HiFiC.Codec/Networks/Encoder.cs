using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>E: image in [-1, 1] to the latent y at H/16 x W/16.</summary>
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Encoder(HificPreset p) : base(nameof(Encoder))
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", Layers.Conv(3, p.StemChannels, 7)),
            ("stem_norm", new ChannelNorm2d(p.StemChannels)),
            ("stem_relu", nn.ReLU(inplace: true)), // in place: the norm's output feeds nothing else
        };
        int c = p.StemChannels;
        for (int i = 0; i < p.EncoderChannels.Length; i++)
        {
            modules.Add(($"down{i}", Layers.Down(c, p.EncoderChannels[i])));
            modules.Add(($"down{i}_norm", new ChannelNorm2d(p.EncoderChannels[i])));
            modules.Add(($"down{i}_relu", nn.ReLU(inplace: true)));
            c = p.EncoderChannels[i];
        }
        modules.Add(("to_latent", Layers.Conv(c, p.LatentChannels, 3)));
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    // Channels-last inside (see ChannelsLast), an ordinary NCHW tensor out.
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return ChannelsLast.Forward(layers, x).contiguous().MoveToOuterDisposeScope();
    }
}
