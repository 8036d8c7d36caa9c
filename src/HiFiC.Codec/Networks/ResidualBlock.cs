using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Codec.Networks;

/// <summary>conv-norm-ReLU-conv-norm plus skip, as in the HiFiC generator.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2;
    private readonly ChannelNorm2d norm1, norm2;

    public ResidualBlock(int channels) : base(nameof(ResidualBlock))
    {
        conv1 = Layers.Conv(channels, channels, 3);
        norm1 = new ChannelNorm2d(channels);
        conv2 = Layers.Conv(channels, channels, 3);
        norm2 = new ChannelNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = ChannelsLast.Of(x);
        var h = norm1.forward(conv1.forward(x)).relu_(); // in place: the norm's output feeds nothing else
        h = norm2.forward(conv2.forward(ChannelsLast.Of(h)));
        return (x + h).MoveToOuterDisposeScope();
    }
}
