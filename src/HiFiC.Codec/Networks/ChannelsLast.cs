using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// Every convolution of the networks runs on channels-last (NHWC-strided) tensors. Why: LibTorch
/// 2.10 hands an NCHW float convolution to oneDNN in channel-blocked layouts (8 or 16 channels a
/// block) and, at AVX2 and AVX-512, reads the padding of a partial block without having written it,
/// so that whatever an earlier tensor left there turned whole channels into NaN (docs/codec.md,
/// tools/NanRepro). With a channels-last input it passes oneDNN plain NHWC source and destination
/// memory: there is no padded activation block to read, at any instruction set, forward or backward.
/// It is also faster: no reorder into and out of the blocked layout around each convolution, and
/// ChannelNorm (a reduction over channels) reads contiguous memory.
/// Networks convert at their inputs and return ordinary contiguous NCHW tensors, so code that reads
/// their outputs element by element sees the layout it always did.
/// </summary>
public static class ChannelsLast
{
    /// <summary>
    /// False where oneDNN has no blocked kernels to avoid: the processor lacks AVX2, or the user capped it
    /// at SSE4.1 (<see cref="TorchRuntime.DnnlIsaVariable"/>). There NCHW is safe, and faster: oneDNN has no
    /// channels-last SSE4.1 kernels (lite decode 0.021 MP/s NCHW against 0.012 channels-last, docs/codec.md).
    /// </summary>
    public static bool Enabled { get; } = HasBlockedKernels();

    private static bool HasBlockedKernels()
    {
        var isa = Environment.GetEnvironmentVariable(TorchRuntime.DnnlIsaVariable)?.Trim().ToUpperInvariant();
        if (isa is "SSE41" or "SSE4_1") return false;
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/cpuinfo")) return true;
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("flags", StringComparison.Ordinal))
                    return line.Contains(" avx2", StringComparison.Ordinal);
        }
        catch (IOException) { }
        return true;
    }

    /// <summary>True where a 4-d tensor's channels are its innermost, densely packed dimension.</summary>
    public static bool Is(Tensor x)
    {
        if (x.dim() != 4) return false;
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        return (c == 1 || x.stride(1) == 1)
            && (w == 1 || x.stride(3) == c)
            && (h == 1 || x.stride(2) == c * w)
            && (x.shape[0] == 1 || x.stride(0) == c * h * w);
    }

    /// <summary>
    /// <paramref name="x"/> itself where it is channels-last already (or where not <see cref="Enabled"/>),
    /// else a channels-last copy (same shape and values, NHWC strides; autograd flows through it).
    /// </summary>
    public static Tensor Of(Tensor x) =>
        !Enabled || x.dim() != 4 || Is(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Runs a sequence of layers, giving every convolution a channels-last input.</summary>
    public static Tensor Forward(Sequential layers, Tensor x) =>
        Forward(layers.children().Cast<nn.Module<Tensor, Tensor>>(), x);

    /// <summary>Runs layers in order, giving every convolution a channels-last input.</summary>
    public static Tensor Forward(IEnumerable<nn.Module<Tensor, Tensor>> layers, Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers) x = layer.forward(IsConvolution(layer) ? Of(x) : x);
        return x.MoveToOuterDisposeScope();
    }

    private static bool IsConvolution(nn.Module layer) => layer is Conv2d or ConvTranspose2d or SpectralNormConv2d;
}
