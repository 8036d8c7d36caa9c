using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>G: dequantised latent to an image in [-1, 1] (not clamped: training sees the raw values).</summary>
public sealed class Generator : nn.Module<Tensor, Tensor>
{
    private readonly ChannelNorm2d inputNorm, headNorm;
    private readonly Conv2d head;
    private readonly Sequential blocks;
    private readonly Sequential upsample;
    private readonly Conv2d toRgb;
    internal Conv2d ToRgbConvolution => toRgb;

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
        return ToRgb(ChannelsLast.Of(h)).contiguous().MoveToOuterDisposeScope();
    }

    // The to-RGB convolution (7x7, a few channels to 3, at full resolution) is the decoder's most costly
    // layer: oneDNN computes output channels in blocks of 16, so with 3 outputs 13 of every 16 are wasted
    // (a 16-output version ran no slower: NanRepro layers, docs/codec.md). The same convolution is run on
    // 4x4 pixel blocks instead (space-to-depth): 16·C inputs, 48 outputs (3 whole blocks), 3x3 taps of
    // blocks, whose weights are the 7x7 weights rearranged, with zeros where a tap falls outside the 7x7
    // window. Each output is the same sum of the same products; only the summation order differs.
    private const int Block = 4;
    private long[]? tapIndex; // for each rearranged weight, its source in the flattened 7x7 weights (or the zero slot); not a tensor field, which would become a buffer

    /// <summary>The last convolution, on the upsampled features (channels-last).</summary>
    internal Tensor ToRgb(Tensor h)
    {
        var weight = toRgb.weight!;
        long outC = weight.shape[0], inC = weight.shape[1], k = weight.shape[2], half = k / 2;
        long height = h.shape[2], width = h.shape[3];
        if (height % Block != 0 || width % Block != 0 || k != 7) return toRgb.forward(h);
        tapIndex ??= TapIndex(outC, inC, k);
        var flat = cat([weight.reshape(-1), zeros([1], weight.dtype, weight.device)], 0);
        var blockWeight = flat.index_select(0, tensor(tapIndex, device: weight.device)).reshape(outC * Block * Block, inC * Block * Block, 3, 3);
        var blockBias = toRgb.bias!.repeat_interleave(Block * Block, 0);
        // Reflection padding as before, then 2 more rows and columns (zeros, met only by zero weights)
        // so that the padded sides are whole blocks: (H + 6 + 2) / 4 = H/4 + 2 block rows, 3x3 taps, H/4 out.
        var padded = nn.functional.pad(h, [half, half, half, half], PaddingModes.Reflect);
        padded = nn.functional.pad(padded, [0, 2, 0, 2]);
        var blocks = ChannelsLast.Of(nn.functional.pixel_unshuffle(padded, Block));
        return nn.functional.pixel_shuffle(nn.functional.conv2d(blocks, blockWeight, blockBias), Block);
    }

    private static long[] TapIndex(long outC, long inC, long k)
    {
        long zeroSlot = outC * inC * k * k;
        var index = new long[outC * Block * Block * inC * Block * Block * 9];
        int n = 0;
        // pixel_unshuffle orders channels as c·16 + row·4 + column within the block; pixel_shuffle reads them the same way.
        for (long co = 0; co < outC; co++)
            for (long dy = 0; dy < Block; dy++)
                for (long dx = 0; dx < Block; dx++)
                    for (long ci = 0; ci < inC; ci++)
                        for (long ey = 0; ey < Block; ey++)
                            for (long ex = 0; ex < Block; ex++)
                                for (long ky = 0; ky < 3; ky++)
                                    for (long kx = 0; kx < 3; kx++)
                                    {
                                        // Output pixel 4i+dy reads padded row 4(i+ky)+ey: tap 4ky+ey-dy of the 7x7 window.
                                        long a = Block * ky + ey - dy, b = Block * kx + ex - dx;
                                        index[n++] = a >= 0 && a < k && b >= 0 && b < k ? ((co * inC + ci) * k + a) * k + b : zeroSlot;
                                    }
        return index;
    }
}
