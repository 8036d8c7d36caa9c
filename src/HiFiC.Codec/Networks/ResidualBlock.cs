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
    private WinogradConvolution? fast1, fast2; // set by Freeze: the same convolutions, for weights that no longer change

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
        var h = norm1.forward(fast1?.Forward(x) ?? conv1.forward(x)).relu_(); // in place: the norm's output feeds nothing else
        h = ChannelsLast.Of(h);
        h = norm2.forward(fast2?.Forward(h) ?? conv2.forward(h));
        return (x + h).MoveToOuterDisposeScope();
    }

    /// <summary>Switches both convolutions to their Winograd form (<see cref="WinogradConvolution"/>); the weights must not change afterwards.</summary>
    internal void Freeze()
    {
        fast1 ??= WinogradConvolution.For(conv1);
        fast2 ??= WinogradConvolution.For(conv2);
    }

    // The transformed weights are not parameters or buffers, so the module's own disposal does not reach them.
    protected override void Dispose(bool disposing)
    {
        if (disposing) { fast1?.Dispose(); fast2?.Dispose(); }
        base.Dispose(disposing);
    }
}
