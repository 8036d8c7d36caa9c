using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Model;

/// <summary>G: dequantised latent to an image in [-1, 1] (not clamped: training sees the raw values).</summary>
public sealed class Generator : nn.Module<Tensor, Tensor>
{
    private readonly ChannelNorm2d inputNorm, headNorm;
    private readonly Conv2d head;
    private readonly Sequential blocks;
    private readonly Sequential upsample;
    private readonly Conv2d toRgb;

    public Generator(HificPreset p) : base(nameof(Generator))
    {
        inputNorm = new ChannelNorm2d(p.LatentChannels);
        head = Layers.Conv(p.LatentChannels, p.GeneratorChannels, 3);
        headNorm = new ChannelNorm2d(p.GeneratorChannels);
        blocks = nn.Sequential(Enumerable.Range(0, p.ResidualBlocks)
            .Select(i => ($"block{i}", (nn.Module<Tensor, Tensor>)new ResidualBlock(p.GeneratorChannels))).ToList());
        var up = new List<(string, nn.Module<Tensor, Tensor>)>();
        int c = p.GeneratorChannels;
        for (int i = 0; i < p.UpsampleChannels.Length; i++)
        {
            up.Add(($"up{i}", Layers.Up(c, p.UpsampleChannels[i])));
            up.Add(($"up{i}_norm", new ChannelNorm2d(p.UpsampleChannels[i])));
            up.Add(($"up{i}_relu", nn.ReLU(inplace: true))); // in place: the norm's output feeds nothing else, and its backward does not need it
            c = p.UpsampleChannels[i];
        }
        upsample = nn.Sequential(up);
        toRgb = Layers.Conv(c, 3, 7);
        RegisterComponents();
    }

    public override Tensor forward(Tensor yHat)
    {
        using var scope = NewDisposeScope();
        // Channels-last inside (see ChannelsLast), an ordinary NCHW image out.
        var h = headNorm.forward(head.forward(ChannelsLast.Of(inputNorm.forward(yHat))));
        h = h + blocks.forward(h); // global skip around the residual stack
        h = ChannelsLast.Forward(upsample, h);
        return toRgb.forward(ChannelsLast.Of(h)).contiguous().MoveToOuterDisposeScope();
    }
}
