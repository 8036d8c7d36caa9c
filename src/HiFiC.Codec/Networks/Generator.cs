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
    private WinogradConvolution? fastHead; // set by Freeze
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
        var x = ChannelsLast.Of(inputNorm.forward(yHat));
        var h = headNorm.forward(fastHead?.Forward(x) ?? head.forward(x));
        h = h + blocks.forward(h); // global skip around the residual stack
        var layers = upsample.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        int tailStart = layers.Count - TailUpsamples * 3; // each upsampling step is conv, norm, ReLU
        if (!is_grad_enabled() && tailStart >= 0 && toRgb.weight!.shape[2] == 7)
        {
            h = ChannelsLast.Forward(layers.Take(tailStart), h);
            if (StripeRows(h) is int rows && rows < h.shape[2])
                return StripedTail(layers.Skip(tailStart).ToList(), h, rows).MoveToOuterDisposeScope();
            h = ChannelsLast.Forward(layers.Skip(tailStart), h);
        }
        else h = ChannelsLast.Forward(layers, h);
        return ToRgb(ChannelsLast.Of(h)).MoveToOuterDisposeScope();
    }

    // Large images: the last two upsampling steps and the to-RGB convolution (the layers at H/2 and H,
    // memory-bound) run on horizontal stripes of about StripePixels output pixels, so that their tensors
    // stay small: whole-image passes at full resolution (100 MB per tensor for 1.5 MP) ran ~1.6x slower per
    // pixel than at 512² (cache misses and a page fault per 4 KB of every fresh tensor). Each stripe takes
    // Halo more rows of the H/4 features on either side; the rows it keeps depend on those only, so the
    // output is the whole-image output (the same sums; oneDNN's blocking may change the last bits).
    private const int TailUpsamples = 2, Halo = 2;

    /// <summary>Output pixels per stripe, about (tests set less, to cut small images into stripes).</summary>
    internal int StripePixels { get; set; } = 1 << 18;
    /// <summary>H/4 rows per stripe at least: the halo (2·Halo rows) stays a small share of each stripe's work.</summary>
    internal int MinStripeRows { get; set; } = 32;

    /// <summary>Rows of the H/4 features per stripe, or null for one pass (small images).</summary>
    private int? StripeRows(Tensor quarter)
    {
        long width = quarter.shape[3] * 4, height = quarter.shape[2];
        int rows = (int)Math.Max(MinStripeRows, StripePixels / (width * 4));
        return height > 2 * rows ? rows : null;
    }

    // Output rows 4·r0 .. 4·r1 of a stripe of H/4 rows r0 .. r1, from H/4 rows r0 - Halo .. r1 + Halo (clipped):
    // a stride-2 transposed convolution's output rows 2i and 2i+1 read input rows i and i+1, so only the
    // last rows of a slice that stops inside the image are wrong (3 at full resolution after two steps), and
    // the 7x7 convolution reads 3 rows either side: 4·Halo = 8 rows above and 8 - 3 = 5 below are enough.
    private Tensor StripedTail(List<nn.Module<Tensor, Tensor>> tail, Tensor quarter, int rows)
    {
        long height = quarter.shape[2], fullHeight = height * 4, fullWidth = quarter.shape[3] * 4;
        var output = empty(quarter.shape[0], 3, fullHeight, fullWidth, quarter.dtype, quarter.device);
        for (long r0 = 0; r0 < height; r0 += rows)
        {
            using var scope = NewDisposeScope();
            long r1 = Math.Min(height, r0 + rows), i0 = Math.Max(0, r0 - Halo), i1 = Math.Min(height, r1 + Halo);
            var features = ChannelsLast.Of(ChannelsLast.Forward(tail, quarter.narrow(2, i0, i1 - i0)));
            // The 3 rows the 7x7 window needs beyond the stripe: the features' own rows inside the image, reflection at its edges.
            long top = r0 == 0 ? 0 : 3, bottom = r1 == height ? 0 : 3;
            var window = features.narrow(2, 4 * (r0 - i0) - top, 4 * (r1 - r0) + top + bottom);
            var padded = nn.functional.pad(window, [3, 3, 3 - top, 3 - bottom], PaddingModes.Reflect);
            output.narrow(2, 4 * r0, 4 * (r1 - r0)).copy_(ToRgbPadded(padded));
        }
        return output;
    }

    /// <summary>
    /// Runs the 3x3 convolutions at H/16 (the head and the residual stack, most of the decoder's time) by
    /// Winograd's F(4x4, 3x3) from now on: about 2x faster on a CPU, same results to ~1e-5 of the values.
    /// For weights that no longer change (a <see cref="Models.CodecModel"/>'s network); gradients still
    /// reach the input (refinement), not the weights. Does nothing on other devices (cuDNN has its own).
    /// </summary>
    internal void Freeze()
    {
        fastHead ??= WinogradConvolution.For(head);
        foreach (var block in blocks.children().OfType<ResidualBlock>()) block.Freeze();
    }

    // The head's transformed weights are not a parameter or buffer, so the module's own disposal does not reach them.
    protected override void Dispose(bool disposing)
    {
        if (disposing) fastHead?.Dispose();
        base.Dispose(disposing);
    }

    // The to-RGB convolution (7x7, a few channels to 3, at full resolution) was the decoder's most costly
    // layer: oneDNN computes output channels in blocks of 16, so with 3 outputs 13 of every 16 are wasted
    // (a 16-output version ran no faster: NanRepro layers, docs/codec.md). The same convolution runs on
    // 2x2 pixel blocks instead (space-to-depth): 4·C inputs, 12 outputs (4 pixels x RGB), 4x4 taps of
    // blocks, whose weights are the 7x7 weights rearranged, with zeros where a tap falls outside the 7x7
    // window. Each output is the same sum of the same products; only the summation order differs.
    // 2x2 blocks beat 4x4 (3x3 taps, 48 outputs: 1.8 GMAC against 0.8 at 512², 33 ms against 21), and
    // the block channels are ordered (row, column, channel) so that gathering the blocks copies runs of
    // whole pixels (pixel_unshuffle's channel-major order copied element by element: 13-20 ms a 512² image).
    private const int Block = 2, Taps = (Block + 5) / Block + 1; // output pixel 2i+d reads padded block rows i..i+3
    private long[]? tapIndex; // for each rearranged weight, its source in the flattened 7x7 weights (or the zero slot); not a tensor field, which would become a buffer

    /// <summary>The last convolution, on the upsampled features (channels-last): [N,3,H,W], contiguous.</summary>
    internal Tensor ToRgb(Tensor h)
    {
        long k = toRgb.weight!.shape[2], half = k / 2;
        if (h.shape[2] % Block != 0 || h.shape[3] % Block != 0 || k != 7) return toRgb.forward(h).contiguous();
        return ToRgbPadded(nn.functional.pad(h, [half, half, half, half], PaddingModes.Reflect));
    }

    /// <summary>The 7x7 convolution without padding, on features already padded by 3 on every side (even sizes).</summary>
    private Tensor ToRgbPadded(Tensor padded)
    {
        var weight = toRgb.weight!;
        long outC = weight.shape[0], inC = weight.shape[1], k = weight.shape[2];
        long n = padded.shape[0], height = padded.shape[2] - (k - 1), width = padded.shape[3] - (k - 1);
        if (height % Block != 0 || width % Block != 0) return nn.functional.conv2d(padded, weight, toRgb.bias).contiguous();
        tapIndex ??= TapIndex(outC, inC, k);
        var flat = cat([weight.reshape(-1), zeros([1], weight.dtype, weight.device)], 0);
        var blockWeight = flat.index_select(0, tensor(tapIndex, device: weight.device)).reshape(Block * Block * outC, Block * Block * inC, Taps, Taps);
        var blockBias = toRgb.bias!.repeat(Block * Block);
        // (H + 6) / 2 = H/2 + 3 block rows, 4x4 taps, H/2 out: whole blocks, no more padding.
        long rows = padded.shape[2] / Block, cols = padded.shape[3] / Block;
        // Channels-last memory is [N, rows, 2, cols, 2, C]: one copy gives [N, rows, cols, (2, 2, C)], a channels-last view
        // (NCHW input, where ChannelsLast is off, costs one more copy).
        var blocks = padded.permute(0, 2, 3, 1).reshape(n, rows, Block, cols, Block, inC).permute(0, 1, 3, 2, 4, 5)
            .reshape(n, rows, cols, Block * Block * inC).permute(0, 3, 1, 2);
        var output = nn.functional.conv2d(blocks, blockWeight, blockBias); // [N, (2, 2, 3), H/2, W/2]
        long outRows = output.shape[2], outCols = output.shape[3];
        return output.permute(0, 2, 3, 1).reshape(n, outRows, outCols, Block, Block, outC).permute(0, 5, 1, 3, 2, 4).reshape(n, outC, height, width);
    }

    private static long[] TapIndex(long outC, long inC, long k)
    {
        long zeroSlot = outC * inC * k * k;
        var index = new long[Block * Block * outC * Block * Block * inC * Taps * Taps];
        int n = 0;
        // Output channel (dy·2 + dx)·outC + co is pixel (dy, dx) of its block; input channel (ey·2 + ex)·inC + ci likewise.
        for (long dy = 0; dy < Block; dy++)
            for (long dx = 0; dx < Block; dx++)
                for (long co = 0; co < outC; co++)
                    for (long ey = 0; ey < Block; ey++)
                        for (long ex = 0; ex < Block; ex++)
                            for (long ci = 0; ci < inC; ci++)
                                for (long ky = 0; ky < Taps; ky++)
                                    for (long kx = 0; kx < Taps; kx++)
                                    {
                                        // Output pixel 2i+dy reads padded row 2(i+ky)+ey: tap 2ky+ey-dy of the 7x7 window.
                                        long a = Block * ky + ey - dy, b = Block * kx + ex - dx;
                                        index[n++] = a >= 0 && a < k && b >= 0 && b < k ? ((co * inC + ci) * k + a) * k + b : zeroSlot;
                                    }
        return index;
    }
}
