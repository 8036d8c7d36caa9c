using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// A frozen 3x3, stride-1, reflection-padded convolution computed by Winograd's minimal filtering
/// F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 6x6
/// input tile is transformed (B^T d B), multiplied channel-wise with the transformed weights (G g G^T)
/// in 36 matrix products, and transformed back (A^T m A) into a 4x4 output tile. That is 36 multiplies
/// per 16 outputs and input channel instead of 144, 4x fewer; the transforms are small dense products.
/// Why: the generator's residual stack (13 convolutions at H/16 with 256 channels in the lite model)
/// was half of the decoder's time at what oneDNN's direct fp32 kernel gives (~51 GMAC/s a core), and
/// an im2col product ran no faster (docs/results/decode). Here the stack runs ~2x faster.
/// Exactness: float32 throughout; the transforms' points (0, ±1, ±2) add rounding of about 1e-5 of
/// the output's magnitude (a direct convolution's summation order changes the last bits too).
/// Used for inference only: the transformed weights are computed once, so the weights must not change
/// afterwards (a <see cref="Models.CodecModel"/>'s never do). Autograd flows to the input, not the weights.
/// Memory: the transformed weights are 4x the 3x3 weights (36 against 9 numbers a channel pair) and are
/// kept: lite 9.4 MB a layer, 122 MB for its 13 layers. Above <see cref="CachedWeightBytes"/> a layer (the
/// paper model's 960-channel layers would keep 2.5 GB) the direct convolution stays: recomputing them at
/// each call allocates 133 MB a layer, and whether that still pays was not measured.
/// </summary>
internal sealed class WinogradConvolution : IDisposable
{
    private const int Out = 4, Tile = Out + 2; // F(4x4, 3x3): 6x6 input tiles

    private static readonly float[,] BT =
    {
        { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
        { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
    };
    private static readonly float[,] G =
    {
        { 1 / 4f, 0, 0 }, { -1 / 6f, -1 / 6f, -1 / 6f }, { -1 / 6f, 1 / 6f, -1 / 6f },
        { 1 / 24f, 1 / 12f, 1 / 6f }, { 1 / 24f, -1 / 12f, 1 / 6f }, { 0, 0, 1 },
    };
    private static readonly float[,] AT =
    {
        { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 },
    };

    /// <summary>Transformed weights a layer may keep (larger layers keep the direct convolution).</summary>
    internal const long CachedWeightBytes = 32L << 20;

    private readonly Tensor u;       // transformed weights [36, C, K]
    private readonly Tensor bias;    // [K]
    private readonly Tensor input;   // kron(B^T, B^T) [36, 36]: vec(B^T d B) for a row-major 6x6 tile d
    private readonly Tensor output;  // kron(A^T, A^T) [16, 36]

    private WinogradConvolution(Conv2d conv)
    {
        using var noGrad = no_grad();
        var w = conv.weight!.detach();
        long k = w.shape[0], c = w.shape[1];
        var device = w.device;
        using var g = Matrix(G, device);
        using var gg = kron(g, g); // [36, 9]: vec(G w G^T) for a row-major 3x3 w
        using var taps = w.permute(2, 3, 1, 0).reshape(9, c * k); // [ky·3+kx, ci·K+co]
        // Kept beyond any caller's dispose scope: they live as long as the network.
        u = gg.mm(taps).view(Tile * Tile, c, k).contiguous().DetachFromDisposeScope();
        bias = (conv.bias is null ? zeros(k, device: device) : conv.bias.detach().clone()).DetachFromDisposeScope();
        using var bt = Matrix(BT, device);
        using var at = Matrix(AT, device);
        input = kron(bt, bt).DetachFromDisposeScope();
        output = kron(at, at).DetachFromDisposeScope();
    }

    /// <summary>The fast form of <paramref name="conv"/>, or null where it does not apply (kernel, stride, padding, groups, device).</summary>
    public static WinogradConvolution? For(Conv2d conv, long cachedWeightBytes = CachedWeightBytes)
    {
        var w = conv.weight;
        if (w is null || w.dim() != 4 || w.shape[2] != 3 || w.shape[3] != 3 || w.device.type != DeviceType.CPU
            || w.dtype != ScalarType.Float32) return null;
        // Layers.Conv: stride 1, reflection padding 1, no dilation or groups; anything else keeps the direct kernel.
        if (conv.stride is not { Length: 2 } s || s[0] != 1 || s[1] != 1) return null;
        if (conv.padding is not { Length: 2 } p || p[0] != 1 || p[1] != 1 || conv.padding_mode != PaddingModes.Reflect) return null;
        if (conv.dilation is not { Length: 2 } d || d[0] != 1 || d[1] != 1 || conv.groups != 1) return null;
        if ((long)Tile * Tile * w.shape[0] * w.shape[1] * sizeof(float) > cachedWeightBytes) return null;
        return new WinogradConvolution(conv);
    }

    /// <summary>The convolution of <paramref name="x"/> ([N,C,H,W], H and W at least 2): [N,K,H,W] with channels-last strides.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], k = u.shape[2];
        long rows = (h + Out - 1) / Out, cols = (w + Out - 1) / Out, tiles = n * rows * cols;
        // Reflection padding as the direct convolution does, then zeros up to whole tiles (their outputs are cut off).
        var padded = nn.functional.pad(x, [1, 1, 1, 1], PaddingModes.Reflect);
        if (rows * Out != h || cols * Out != w) padded = nn.functional.pad(padded, [0, cols * Out - w, 0, rows * Out - h]);
        // Overlapping 6x6 tiles, stride 4: [N,C,rows,cols,6,6] viewed, gathered as [36, tiles·C].
        var d = padded.unfold(2, Tile, Out).unfold(3, Tile, Out).permute(4, 5, 0, 2, 3, 1).reshape(Tile * Tile, tiles * c);
        var v = input.mm(d).view(Tile * Tile, tiles, c);
        var m = v.bmm(u).view(Tile * Tile, tiles * k);                  // 36 products [tiles, C] x [C, K]
        var y = output.mm(m).view(Out, Out, n, rows, cols, k)           // [16, tiles·K] -> 4x4 output tiles
            .permute(2, 3, 0, 4, 1, 5).reshape(n, rows * Out, cols * Out, k);
        y.add_(bias);
        if (rows * Out != h || cols * Out != w) y = y.narrow(1, 0, h).narrow(2, 0, w).contiguous();
        return y.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    private static Tensor Matrix(float[,] a, Device device)
    {
        int r = a.GetLength(0), c = a.GetLength(1);
        var flat = new float[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) flat[i * c + j] = a[i, j];
        return tensor(flat, [r, c], device: device);
    }

    public void Dispose()
    {
        u.Dispose(); bias.Dispose(); input.Dispose(); output.Dispose();
    }
}
