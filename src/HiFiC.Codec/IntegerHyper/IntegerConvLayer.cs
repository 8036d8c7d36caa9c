using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HiFiC.Codec.IntegerHyper;

/// <summary>The two layer shapes the hyper-synthesis uses.</summary>
public enum IntegerLayerKind : byte
{
    /// <summary>Conv2d, kernel k, stride 1, padding k/2 ("same").</summary>
    Conv = 1,
    /// <summary>ConvTranspose2d, kernel 5, stride 2, padding 2, output padding 1 (exactly doubles the size).</summary>
    UpConv = 2,
}

/// <summary>
/// One convolution in integer arithmetic: int16 weights and inputs, int32 bias and accumulators
/// that wrap modulo 2^32. Wrapping addition is associative and commutative, so the result is the same bits
/// whatever the summation order, SIMD width, thread count or CPU: that is the point of this type.
/// Hidden layers end in ReLU and a fixed-point requantization to [0, ActivationMax]; the last
/// layer returns its raw accumulators, which <see cref="IntegerHyperprior"/> interprets.
/// </summary>
public sealed class IntegerConvLayer
{
    /// <summary>Hidden activations are clamped to [0, ActivationMax] (13 bits).</summary>
    public const int ActivationMax = 8191;
    /// <summary>Weights are quantized to [-WeightMax, WeightMax] per output channel (12 bits + sign).</summary>
    public const int WeightMax = 2047;

    public IntegerLayerKind Kind { get; }
    public int InChannels { get; }
    public int OutChannels { get; }
    public int Kernel { get; }
    /// <summary>[out][in][ky*k+kx]; for UpConv, ConvTranspose2d's [in][out][ky][kx] reordered out-major (taps unflipped).</summary>
    public int[] Weights { get; }
    public int[] Bias { get; }
    /// <summary>Requantization per output channel: a = clamp((acc * Multiplier + 2^(Shift-1)) >> Shift, 0, ActivationMax). Empty for the last layer.</summary>
    public int[] Multiplier { get; }
    public byte[] Shift { get; }
    public bool IsLast => Multiplier.Length == 0;

    public IntegerConvLayer(IntegerLayerKind kind, int inChannels, int outChannels, int kernel, int[] weights, int[] bias, int[] multiplier, byte[] shift)
    {
        if (kind is not (IntegerLayerKind.Conv or IntegerLayerKind.UpConv)) throw new InvalidDataException($"unknown layer kind {(int)kind}");
        if (inChannels is < 1 or > 4096 || outChannels is < 1 or > 4096) throw new InvalidDataException($"bad layer width {inChannels}->{outChannels}");
        if (kernel is not (1 or 3 or 5) || (kind == IntegerLayerKind.UpConv && kernel != 5)) throw new InvalidDataException($"bad kernel {kernel} for {kind}");
        if (weights.Length != (long)outChannels * inChannels * kernel * kernel) throw new InvalidDataException("weight count does not match the layer shape");
        if (bias.Length != outChannels) throw new InvalidDataException("bias count does not match the layer width");
        if (multiplier.Length != shift.Length || (multiplier.Length != 0 && multiplier.Length != outChannels))
            throw new InvalidDataException("requantization count does not match the layer width");
        foreach (var s in shift) if (s is < 1 or > 62) throw new InvalidDataException($"bad requantization shift {s}");
        foreach (var m in multiplier) if (m < 0) throw new InvalidDataException("negative requantization multiplier");
        foreach (var v in weights) if (v is < -short.MaxValue or > short.MaxValue) throw new InvalidDataException("a weight does not fit 16 bits");
        Kind = kind; InChannels = inChannels; OutChannels = outChannels; Kernel = kernel;
        Weights = weights; Bias = bias; Multiplier = multiplier; Shift = shift;
    }

    public (int H, int W) OutputSize(int h, int w) => Kind == IntegerLayerKind.UpConv ? (2 * h, 2 * w) : (h, w);

    /// <summary>Tests set this to prove the scalar code (other CPUs) gives the vector code's bits.</summary>
    internal static bool ScalarOnly { get; set; }
    /// <summary>Tests set this to prove the AVX2 code gives the AVX-512 code's bits.</summary>
    internal static bool NoAvx512 { get; set; }

    /// <summary>Output channels computed together: one input load feeds this many multiply-adds.</summary>
    private const int Block = 4;
    /// <summary>int32 positions per 512-bit vector (two 256-bit ones): runs are whole multiples of it.</summary>
    private const int Lanes = 16;

    /// <summary>
    /// Runs the layer on [InChannels][h][w] and returns [OutChannels][H][W]: requantized
    /// activations for a hidden layer, raw accumulators for the last one. Inputs are clamped to
    /// ±32767 (int16; hidden activations never exceed 8191, only a wild z symbol can).
    /// </summary>
    public int[] Forward(int[] input, int h, int w, int maxThreads)
    {
        if (input.Length != (long)InChannels * h * w) throw new ArgumentException("input size does not match the layer");
        const int pad = 2; // covers every tap offset of a 5x5 conv and of the transposed conv's phases
        int wp = w + 2 * pad, hp = h + 2 * pad, plane = hp * wp;
        int pairs = (InChannels + 1) / 2;
        // Outputs are computed over one contiguous run of the padded grid, from the first output
        // pixel to the last, pad columns included (so the inner loop is one long run), rounded up
        // to whole vectors; the pad columns and the rounding collect junk that is never read out.
        // Every tap's shifted run stays inside the padded input: pad covers the largest offset and
        // Lanes slack positions at the end cover the rounding.
        int start = pad * wp + pad, length = (h - 1) * wp + w;
        int run = (length + Lanes - 1) / Lanes * Lanes;
        // Input channels in pairs, interleaved as int16: [pair][position][2]. One multiply-add of
        // adjacent int16s (vpmaddwd) then does two channels' products for 8 (AVX2) or 16 (AVX-512) positions at once.
        var padded = new short[((long)pairs * plane + Lanes) * 2];
        for (int i = 0; i < InChannels; i++)
            for (int y = 0; y < h; y++)
            {
                long src = ((long)i * h + y) * w, dst = ((long)(i / 2) * plane + (y + pad) * wp + pad) * 2 + (i & 1);
                for (int x = 0; x < w; x++) padded[dst + 2 * x] = (short)Math.Clamp(input[src + x], -short.MaxValue, short.MaxValue);
            }
        var weightBlocks = WeightBlocks();
        int taps = Kernel * Kernel, blocks = (OutChannels + Block - 1) / Block;

        var (oh, ow) = OutputSize(h, w);
        var output = new int[(long)OutChannels * oh * ow];
        var phases = Phases().Select(ph => (ph.Py, ph.Px, Taps: ph.Taps.Select(t => (t.Tap, Offset: t.Dy * wp + t.Dx)).ToArray())).ToArray();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxThreads) };
        // Output channels are independent, so splitting them over threads cannot change a bit.
        Parallel.For(0, blocks, options, () => new int[Block * run], (b, _, acc) =>
        {
            foreach (var (py, px, phaseTaps) in phases)
            {
                Accumulate(acc, padded, weightBlocks, BlockBias(b), b, pairs, taps, phaseTaps, start, run, plane);
                for (int j = 0; j < Block && b * Block + j < OutChannels; j++)
                    WriteOut(acc, j * run, b * Block + j, py, px, wp, h, w, output, oh, ow);
            }
            return acc;
        }, _ => { });
        return output;
    }

    private int[] BlockBias(int b)
    {
        var bias = new int[Block];
        for (int j = 0; j < Block && b * Block + j < OutChannels; j++) bias[j] = Bias[b * Block + j];
        return bias;
    }

    /// <summary>
    /// acc[j * run + pos] = bias[j] + the sum over input pairs and the phase's taps of
    /// in[2k] * w0 + in[2k+1] * w1 (k = the tap's shifted position), for the Block channels of
    /// block b. Each pair sum is exact in int32 (|a|, |w| &lt;= 32767); adding them wraps modulo
    /// 2^32, alike in the AVX2 and the scalar code, so every CPU gets the same bits.
    /// </summary>
    private static unsafe void Accumulate(int[] acc, short[] input, int[] weights, int[] bias, int b, int pairs, int taps,
        (int Tap, int Offset)[] phaseTaps, int start, int run, int plane)
    {
        fixed (int* accBase = acc)
        fixed (short* inBase = input)
        fixed (int* wBase = weights)
        fixed ((int Tap, int Offset)* tapBase = phaseTaps)
        {
            int* blockWeights = wBase + (long)b * pairs * taps * Block;
            int tapCount = phaseTaps.Length;
            // The same multiply-adds 16 positions at a time: half the instructions of AVX2 (hyper decode ~1.6x faster).
            if (Avx512BW.IsSupported && !ScalarOnly && !NoAvx512)
            {
                for (int pos = 0; pos < run; pos += 16)
                {
                    var a0 = Vector512.Create(bias[0]); var a1 = Vector512.Create(bias[1]);
                    var a2 = Vector512.Create(bias[2]); var a3 = Vector512.Create(bias[3]);
                    for (int p = 0; p < pairs; p++)
                    {
                        short* src = inBase + ((long)p * plane + start + pos) * 2;
                        int* pw = blockWeights + (long)p * taps * Block;
                        for (int t = 0; t < tapCount; t++)
                        {
                            var x = Vector512.Load(src + tapBase[t].Offset * 2);
                            int* wt = pw + tapBase[t].Tap * Block;
                            a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(wt[0]).AsInt16()));
                            a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(wt[1]).AsInt16()));
                            a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(wt[2]).AsInt16()));
                            a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(x, Vector512.Create(wt[3]).AsInt16()));
                        }
                    }
                    Vector512.Store(a0, accBase + pos); Vector512.Store(a1, accBase + run + pos);
                    Vector512.Store(a2, accBase + 2 * run + pos); Vector512.Store(a3, accBase + 3 * run + pos);
                }
                return;
            }
            if (Avx2.IsSupported && !ScalarOnly)
            {
                for (int pos = 0; pos < run; pos += 8)
                {
                    var a0 = Vector256.Create(bias[0]); var a1 = Vector256.Create(bias[1]);
                    var a2 = Vector256.Create(bias[2]); var a3 = Vector256.Create(bias[3]);
                    for (int p = 0; p < pairs; p++)
                    {
                        short* src = inBase + ((long)p * plane + start + pos) * 2;
                        int* pw = blockWeights + (long)p * taps * Block;
                        for (int t = 0; t < tapCount; t++)
                        {
                            var x = Avx.LoadVector256(src + tapBase[t].Offset * 2);
                            int* wt = pw + tapBase[t].Tap * Block;
                            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(x, Vector256.Create(wt[0]).AsInt16()));
                            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(x, Vector256.Create(wt[1]).AsInt16()));
                            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(x, Vector256.Create(wt[2]).AsInt16()));
                            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(x, Vector256.Create(wt[3]).AsInt16()));
                        }
                    }
                    Avx.Store(accBase + pos, a0); Avx.Store(accBase + run + pos, a1);
                    Avx.Store(accBase + 2 * run + pos, a2); Avx.Store(accBase + 3 * run + pos, a3);
                }
                return;
            }
            for (int pos = 0; pos < run; pos++)
                for (int j = 0; j < Block; j++)
                {
                    int sum = bias[j];
                    for (int p = 0; p < pairs; p++)
                    {
                        short* src = inBase + ((long)p * plane + start + pos) * 2;
                        int* pw = blockWeights + (long)p * taps * Block;
                        for (int t = 0; t < tapCount; t++)
                        {
                            int pair = pw[tapBase[t].Tap * Block + j];
                            short* x = src + tapBase[t].Offset * 2;
                            sum = unchecked(sum + (x[0] * (short)pair + x[1] * (pair >> 16)));
                        }
                    }
                    accBase[j * run + pos] = sum;
                }
        }
    }

    // Built on first use; two threads racing here build equal arrays, so the race is harmless.
    private int[]? weightBlocks;

    /// <summary>
    /// [block][in pair][tap][Block]: for each output channel of a block, the weights of input
    /// channels 2p (low 16 bits) and 2p+1 (high 16 bits) packed in one int, as vpmaddwd takes them.
    /// Channels past OutChannels (the last block's padding) have zero weights.
    /// </summary>
    private int[] WeightBlocks()
    {
        if (weightBlocks is not null) return weightBlocks;
        int pairs = (InChannels + 1) / 2, taps = Kernel * Kernel, blocks = (OutChannels + Block - 1) / Block;
        var packed = new int[(long)blocks * pairs * taps * Block];
        for (int o = 0; o < OutChannels; o++)
            for (int i = 0; i < InChannels; i++)
                for (int t = 0; t < taps; t++)
                {
                    int weight = Weights[((long)o * InChannels + i) * taps + t];
                    long at = (((long)(o / Block) * pairs + i / 2) * taps + t) * Block + o % Block;
                    packed[at] |= (i & 1) == 0 ? (ushort)(short)weight : weight << 16;
                }
        return weightBlocks = packed;
    }

    private void WriteOut(int[] acc, int accOffset, int o, int py, int px, int wp, int h, int w, int[] output, int oh, int ow)
    {
        int step = Kind == IntegerLayerKind.UpConv ? 2 : 1;
        long outBase = (long)o * oh * ow;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int a = acc[accOffset + y * wp + x];
                if (!IsLast) a = Requantize(a, Multiplier[o], Shift[o]);
                output[outBase + (long)(y * step + py) * ow + x * step + px] = a;
            }
    }

    /// <summary>ReLU and fixed-point rescale, in int64: exact, no floating point.</summary>
    public static int Requantize(int acc, int multiplier, int shift)
    {
        if (acc <= 0) return 0;
        long scaled = ((long)acc * multiplier + (1L << (shift - 1))) >> shift;
        return scaled > ActivationMax ? ActivationMax : (int)scaled;
    }

    private sealed record Phase(int Py, int Px, (int Dy, int Dx, int Tap)[] Taps);

    /// <summary>
    /// A stride-1 conv is one phase with every tap. The transposed conv (k 5, stride 2, padding 2)
    /// is four stride-1 convs, one per output parity: output (2m+py, 2n+px) takes input (m+dy, n+dx)
    /// through tap ky = py + 2 - 2dy (kx likewise), for the taps that land inside the kernel.
    /// </summary>
    private Phase[] Phases()
    {
        int k = Kernel;
        if (Kind == IntegerLayerKind.Conv)
        {
            var taps = new List<(int, int, int)>();
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                    taps.Add((ky - k / 2, kx - k / 2, ky * k + kx));
            return [new Phase(0, 0, taps.ToArray())];
        }
        var phases = new List<Phase>();
        for (int py = 0; py < 2; py++)
            for (int px = 0; px < 2; px++)
            {
                var taps = new List<(int, int, int)>();
                for (int ky = py; ky < 5; ky += 2)
                    for (int kx = px; kx < 5; kx += 2)
                        taps.Add(((py + 2 - ky) / 2, (px + 2 - kx) / 2, ky * 5 + kx));
                phases.Add(new Phase(py, px, taps.ToArray()));
            }
        return phases.ToArray();
    }
}
