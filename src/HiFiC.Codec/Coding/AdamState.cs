using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>
/// Adam on a few leaf tensors, written out (no optimizer module, no parameters registered on a
/// network): the refiner's latents are plain tensors and the network must keep no .grad.
/// </summary>
internal sealed class AdamState(IReadOnlyList<Tensor> parameters) : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
    private readonly Tensor[] m = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    private readonly Tensor[] v = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    private int t;

    public void Step(IReadOnlyList<Tensor> gradients, double learningRate)
    {
        t++;
        using var noGrad = no_grad();
        double c1 = 1 - Math.Pow(Beta1, t), c2 = 1 - Math.Pow(Beta2, t);
        for (int i = 0; i < m.Length; i++)
        {
            using var scope = NewDisposeScope();
            m[i].mul_(Beta1).add_(gradients[i], alpha: 1 - Beta1);
            v[i].mul_(Beta2).addcmul_(gradients[i], gradients[i], value: 1 - Beta2);
            parameters[i].sub_((m[i] / c1) / ((v[i] / c2).sqrt() + Eps) * learningRate);
        }
    }

    public void Dispose()
    {
        foreach (var x in m.Concat(v)) x.Dispose();
    }
}
