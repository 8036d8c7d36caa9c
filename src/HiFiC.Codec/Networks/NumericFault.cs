using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>
/// A network output with NaN or infinity: never from valid weights and pixels, so it means a
/// faulty native kernel (see <see cref="TorchRuntime.PrepareNative"/>) or corrupted weights. The
/// codec stops rather than write or show a wrong image.
/// </summary>
public sealed class NumericFaultException(string message) : Exception(message);

public static class NumericFault
{
    public static void ThrowIfNotFinite(Tensor t, string stage)
    {
        using var finite = t.isfinite().all();
        if (!finite.item<bool>())
            throw new NumericFaultException(
                $"The {stage} produced NaN or infinite values: a LibTorch CPU kernel fault on this processor or damaged weights. " +
                $"Nothing was written. Try again with {TorchRuntime.DnnlIsaVariable}=SSE41 (slower, safe kernels).");
    }
}
