using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace HiFiC.Codec.Metrics;

/// <summary>
/// Multi-scale SSIM (Wang et al. 2003) as computed by pytorch_msssim / CompressAI: 5 scales with weights
/// {0.0448, 0.2856, 0.3001, 0.2363, 0.1333}, an 11-tap Gaussian window (sigma 1.5) applied without padding,
/// K1 = 0.01, K2 = 0.03, 2x2 average pooling between scales (odd sizes zero-padded, padding counted),
/// contrast-structure terms of the finer scales and SSIM of the coarsest clamped at 0 (ReLU) before the
/// power, computed per channel and averaged over channels.
/// <para>
/// Small images. The 11-tap window needs every scale to keep at least 11 pixels on its shorter side, which
/// 5 scales only allow from 161 px up. Below that the number of scales is reduced to those whose shorter
/// side is still &gt;= 11 px (sizes halve rounding up), and their weights are renormalised to sum to 1
/// (so identical images still score 1 and the value stays in [0, 1]): 256 px uses all 5 scales,
/// 64 px uses 3 (64, 32, 16), 16 px uses 1. Under 11 px a single scale is used with the window shrunk to
/// the largest odd size that fits and sigma scaled with it (1.5 * window / 11). With 5 scales the
/// standard weights are used unchanged, so results match pytorch_msssim wherever it is defined.
/// </para>
/// </summary>
public static partial class MsSsim
{
    public static IReadOnlyList<double> Weights { get; } = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
    public const int WindowSize = 11;
    public const double Sigma = 1.5;
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>
    /// Batched, differentiable MS-SSIM of [N,C,H,W] tensors whose values span <paramref name="dataRange"/>;
    /// returns [N] (mean over channels). Training uses 1 - MS-SSIM as a distortion.
    /// </summary>
    public static Tensor Compute(Tensor x, Tensor y, double dataRange = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 4 || !x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"expected two [N,C,H,W] tensors of one shape, got [{string.Join(",", x.shape)}] and [{string.Join(",", y.shape)}]");
        if (!(dataRange > 0))
            throw new ArgumentOutOfRangeException(nameof(dataRange), dataRange, "must be positive");

        using var scope = NewDisposeScope();
        if (!x.is_floating_point()) x = x.to_type(ScalarType.Float32);
        y = y.to_type(x.dtype);
        long channels = x.shape[1];
        var (levels, window, sigma) = Plan(Math.Min(x.shape[2], x.shape[3]));

        Tensor g = Gaussian(window, sigma, x.dtype, x.device);
        Tensor alongH = g.view(1, 1, window, 1).repeat(channels, 1, 1, 1);
        Tensor alongW = g.view(1, 1, 1, window).repeat(channels, 1, 1, 1);
        double c1 = Math.Pow(K1 * dataRange, 2), c2 = Math.Pow(K2 * dataRange, 2);

        var terms = new List<Tensor>(levels);
        for (int i = 0; i < levels; i++)
        {
            if (i > 0)
            {
                x = Downsample(x);
                y = Downsample(y);
            }
            var (ssim, cs) = Ssim(x, y, alongH, alongW, channels, c1, c2);
            terms.Add(F.relu(i < levels - 1 ? cs : ssim));
        }

        Tensor exponents = tensor(LevelWeights(levels), x.dtype, x.device).view(-1, 1, 1);
        Tensor perChannel = stack(terms).pow(exponents).prod(0, keepdim: false); // [N, C]
        return perChannel.mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>Scales, window size and sigma used for images whose shorter side is <paramref name="minSide"/>.</summary>
    public static (int Levels, int Window, double Sigma) Plan(long minSide)
    {
        if (minSide < 1) throw new ArgumentOutOfRangeException(nameof(minSide), minSide, "must be positive");
        if (minSide < WindowSize)
        {
            int window = (int)(minSide % 2 == 1 ? minSide : minSide - 1);
            return (1, window, Sigma * window / WindowSize);
        }
        int levels = 1;
        for (long side = minSide; levels < Weights.Count; levels++)
        {
            side = (side + 1) / 2; // the pooling below pads odd sizes, so sizes halve rounding up
            if (side < WindowSize) break;
        }
        return (levels, WindowSize, Sigma);
    }

    private static double[] LevelWeights(int levels)
    {
        double[] w = Weights.Take(levels).ToArray();
        if (levels == Weights.Count) return w; // unchanged, as pytorch_msssim (they sum to 1.0001)
        double total = w.Sum();
        return w.Select(v => v / total).ToArray();
    }

    // Temporaries are disposed as soon as they are used: each map is as large as the input, which may be
    // a whole image. Disposing a handle does not free what autograd saved, and the in-place ops only touch
    // fresh results whose backward does not need them.
    private static (Tensor Ssim, Tensor Cs) Ssim(Tensor x, Tensor y, Tensor alongH, Tensor alongW, long groups, double c1, double c2)
    {
        Tensor Blur(Tensor t)
        {
            using Tensor h = F.conv2d(t, alongH, groups: groups);
            return F.conv2d(h, alongW, groups: groups);
        }
        Tensor Covariance(Tensor a, Tensor b, Tensor muA, Tensor muB)
        {
            using Tensor ab = a * b, mm = muA * muB;
            return Blur(ab).sub_(mm);
        }

        using Tensor mu1 = Blur(x), mu2 = Blur(y);
        using Tensor csMap = ContrastStructure(Covariance(x, x, mu1, mu1), Covariance(y, y, mu2, mu2), Covariance(x, y, mu1, mu2), c2);
        using Tensor mu12 = mu1 * mu2, mu1Sq = mu1.square();
        using Tensor lumNum = mu12.mul(2).add_(c1), lumDen = mu2.square().add_(mu1Sq).add_(c1);
        using Tensor luminance = lumNum / lumDen, ssimMap = luminance * csMap;
        return (ssimMap.flatten(2).mean([-1]), csMap.flatten(2).mean([-1]));
    }

    private static Tensor ContrastStructure(Tensor sigma1Sq, Tensor sigma2Sq, Tensor sigma12, double c2)
    {
        using (sigma1Sq) using (sigma2Sq) using (sigma12)
        {
            using Tensor num = sigma12.mul(2).add_(c2), den = sigma1Sq.add(sigma2Sq).add_(c2);
            return num / den;
        }
    }

    private static Tensor Downsample(Tensor t) =>
        F.avg_pool2d(t, [2, 2], [2, 2], [t.shape[2] % 2, t.shape[3] % 2], ceil_mode: false, count_include_pad: true);

    private static Tensor Gaussian(int size, double sigma, ScalarType dtype, Device device) =>
        tensor(GaussianWindow(size, sigma), dtype, device);

    /// <summary>The normalised 1-D window both overloads filter with (rows, then columns).</summary>
    private static double[] GaussianWindow(int size, double sigma)
    {
        var g = new double[size];
        for (int i = 0; i < size; i++)
            g[i] = Math.Exp(-Math.Pow(i - size / 2, 2) / (2 * sigma * sigma));
        double sum = g.Sum();
        return g.Select(v => v / sum).ToArray();
    }
}
