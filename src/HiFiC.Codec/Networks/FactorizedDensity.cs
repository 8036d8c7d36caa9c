using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HiFiC.Codec.Networks;

/// <summary>
/// The factorized prior for z (Ballé et al. 2018): per channel, a monotone MLP gives a learned
/// cumulative; a value's likelihood is the mass of its unit interval.
/// </summary>
public sealed class FactorizedDensity : nn.Module<Tensor, Tensor>
{
    private static readonly int[] Filters = [1, 3, 3, 3, 1];
    private const double InitScale = 10.0;
    private readonly int channels;
    private readonly ParameterList matrices = new();
    private readonly ParameterList biases = new();
    private readonly ParameterList factors = new();

    public FactorizedDensity(int channels) : base(nameof(FactorizedDensity))
    {
        this.channels = channels;
        double scale = Math.Pow(InitScale, 1.0 / (Filters.Length - 1));
        for (int i = 0; i < Filters.Length - 1; i++)
        {
            double init = Math.Log(Math.Exp(1.0 / scale / Filters[i + 1]) - 1.0);
            matrices.Add(new Parameter(full(channels, Filters[i + 1], Filters[i], init)));
            biases.Add(new Parameter(rand(channels, Filters[i + 1], 1) - 0.5));
            if (i < Filters.Length - 2)
                factors.Add(new Parameter(zeros(channels, Filters[i + 1], 1)));
        }
        RegisterComponents();
    }

    public int Channels => channels;

    /// <summary>Logits of the cumulative at x, x shaped [C, 1, N].</summary>
    public Tensor LogitsCumulative(Tensor x)
    {
        using var scope = NewDisposeScope();
        var logits = x;
        for (int i = 0; i < matrices.Count; i++)
        {
            logits = functional.softplus(matrices[i]).matmul(logits) + biases[i];
            if (i < factors.Count)
                logits = logits + factors[i].tanh() * logits.tanh();
        }
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>Likelihood of each element of z ([N, C, H, W]) under the density, floored at 1e-9.</summary>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var shape = z.shape;
        var flat = z.permute(1, 0, 2, 3).reshape(channels, 1, -1);
        var lower = LogitsCumulative(flat - 0.5);
        var upper = LogitsCumulative(flat + 0.5);
        // Evaluate on the side of the median where sigmoid is not saturated (numerical stability).
        var sign = -(lower + upper).sign().detach();
        var likelihood = (functional.sigmoid(sign * upper) - functional.sigmoid(sign * lower)).abs();
        likelihood = likelihood.clamp_min(1e-9);
        var result = likelihood.reshape(shape[1], shape[0], shape[2], shape[3]).permute(1, 0, 2, 3);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Probability of each integer value in [lo, hi] per channel, for building the integer CDF
    /// tables once after training. Returns [C, hi-lo+1] in double precision.
    /// </summary>
    public double[,] IntegerProbabilities(int lo, int hi)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int n = hi - lo + 1;
        var values = arange(lo, hi + 1, dtype: ScalarType.Float32).reshape(1, 1, n).expand(channels, 1, n);
        var upper = functional.sigmoid(LogitsCumulative(values + 0.5)).to(ScalarType.Float64);
        var lower = functional.sigmoid(LogitsCumulative(values - 0.5)).to(ScalarType.Float64);
        // Mass below lo and above hi goes to the escape symbol; the table builder adds it.
        var pmf = (upper - lower).clamp_min(0).reshape(channels, n).contiguous();
        var data = pmf.data<double>().ToArray();
        var result = new double[channels, n];
        Buffer.BlockCopy(data, 0, result, 0, data.Length * sizeof(double));
        return result;
    }
}
