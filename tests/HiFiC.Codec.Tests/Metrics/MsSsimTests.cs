using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Tests.Imaging;
using TorchSharp;

namespace HiFiC.Codec.Tests.Metrics;

public class MsSsimTests
{
    public MsSsimTests() => TestImages.InitTorch();

    [Theory]
    [InlineData(64, 64)]
    [InlineData(256, 256)]
    [InlineData(8, 8)]
    [InlineData(300, 5)]
    [InlineData(1, 1)]
    public void IdenticalImages_ScoreOne(int w, int h)
    {
        var img = TestImages.Pattern(w, h);
        Assert.Equal(1.0, MsSsim.Compute(img, img), 1e-6);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(9)]
    public void DecreasesMonotonicallyWithNoise(int size)
    {
        var clean = TestImages.Pattern(size, size, lo: 40, hi: 215);
        double previous = 1.0;
        foreach (int k in new[] { 2, 5, 10, 20, 40 })
        {
            double score = MsSsim.Compute(clean, TestImages.AddUniformNoise(clean, k, seed: 30 + k));
            Assert.True(score < previous, $"k={k}: {score} !< {previous}");
            Assert.InRange(score, 0.0, 1.0);
            previous = score;
        }
    }

    [Theory]
    [InlineData(64, 3)]   // 64, 32, 16 px: weights renormalised over three scales
    [InlineData(256, 5)]  // all five scales, standard weights
    public void ConstantOffset_OfFlatImages_IsTheLuminanceTermOfTheCoarsestScale(int size, int levels)
    {
        // Flat images have no variance, so every contrast-structure term is exactly 1 and MS-SSIM reduces
        // to l^w with l = (2 m1 m2 + C1) / (m1^2 + m2^2 + C1) and w the coarsest scale's (renormalised) weight.
        double m1 = 100 / 255.0, m2 = 110 / 255.0, c1 = 0.01 * 0.01;
        double l = (2 * m1 * m2 + c1) / (m1 * m1 + m2 * m2 + c1);
        double w = levels == 5 ? 0.1333 : 0.3001 / (0.0448 + 0.2856 + 0.3001);
        double score = MsSsim.Compute(TestImages.Solid(size, size, 100), TestImages.Solid(size, size, 110));
        Assert.Equal(Math.Pow(l, w), score, 1e-8);
    }

    [Fact]
    public void ConstantOffset_OfAPattern_ScoresHighButBelowOne()
    {
        var a = TestImages.Pattern(128, 128, lo: 0, hi: 235);
        var b = new RgbImage(128, 128, a.Pixels.Select(v => (byte)(v + 20)).ToArray());
        Assert.InRange(MsSsim.Compute(a, b), 0.95, 0.99999);
    }

    [Fact]
    public void IsSymmetric()
    {
        var a = TestImages.Pattern(96, 80);
        var b = TestImages.AddUniformNoise(a, 15, seed: 40);
        Assert.Equal(MsSsim.Compute(a, b), MsSsim.Compute(b, a), 1e-9);
    }

    [Fact]
    public void MatchesAnIndependentFloat64ReferenceOfPytorchMsssim()
    {
        // Value from a pure-Python float64 re-implementation of pytorch_msssim.ms_ssim(data_range=255)
        // on these integer-defined 200x170 images (odd sizes at coarse scales exercise the pooling padding).
        var a = new RgbImage(200, 170);
        var b = new RgbImage(200, 170);
        for (int y = 0; y < 170; y++)
            for (int x = 0; x < 200; x++)
                for (int c = 0; c < 3; c++)
                {
                    int va = (x + y + c * 40 + x * y % 23) % 256;
                    a.Pixels[(y * 200 + x) * 3 + c] = (byte)va;
                    b.Pixels[(y * 200 + x) * 3 + c] = (byte)Math.Clamp(va + (x * 31 + y * 17 + c * 7 + x * y) % 41 - 20, 0, 255);
                }
        Assert.Equal(0.9182967266142178, MsSsim.Compute(a, b), 1e-8);
    }

    [Fact]
    public void ImageAndTensorOverloadsAgree_AndBatchesAreIndependent()
    {
        using var scope = torch.NewDisposeScope();
        var a = TestImages.Pattern(64, 48);
        var b1 = TestImages.AddUniformNoise(a, 10, seed: 41);
        var b2 = TestImages.AddUniformNoise(a, 30, seed: 42);
        var x = torch.cat([TensorImage.ToTensor(a), TensorImage.ToTensor(a)], 0);
        var y = torch.cat([TensorImage.ToTensor(b1), TensorImage.ToTensor(b2)], 0);

        var batched = MsSsim.Compute(x, y).data<float>().ToArray();
        Assert.Equal(2, batched.Length);
        Assert.Equal(MsSsim.Compute(a, b1), batched[0], 1e-5);
        Assert.Equal(MsSsim.Compute(a, b2), batched[1], 1e-5);

        // Data range 255 on byte-scaled values is the same measure.
        var scaled = MsSsim.Compute(x * 255, y * 255, dataRange: 255).data<float>().ToArray();
        Assert.Equal(batched[0], scaled[0], 1e-5);
    }

    [Fact]
    public void ImagePath_MatchesTheFloat64TensorPath_OnAPhotoLikePair()
    {
        // The RgbImage overload is a managed re-implementation (separable filtering, its own summation order):
        // on float64 tensors of the same pixels the tensor overload must give the same score up to rounding.
        using var scope = torch.NewDisposeScope();
        var a = PhotoLike(200, 170, seed: 46);
        var b = Degrade(a, noise: 12, seed: 47);
        var x = TensorImage.ToTensor(a).to_type(torch.ScalarType.Float64);
        var y = TensorImage.ToTensor(b).to_type(torch.ScalarType.Float64);

        double image = MsSsim.Compute(a, b), tensor = MsSsim.Compute(x, y).item<double>();
        Assert.InRange(image, 0.5, 0.99); // a meaningful pair, not a saturated or degenerate score
        Assert.Equal(tensor, image, 1e-7);
    }

    /// <summary>Smooth multi-octave colour fields, a few hard edges and grain: photo-like statistics.</summary>
    private static RgbImage PhotoLike(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(w, h);
        var phases = Enumerable.Range(0, 3 * 4 * 2).Select(_ => rng.NextDouble() * 2 * Math.PI).ToArray();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    double v = 110 + 15 * c;
                    for (int o = 0; o < 4; o++) // octaves: periods of ~120, 60, 30 and 15 px
                    {
                        double f = (1 << o) / 20.0, amp = 50.0 / (1 << o);
                        v += amp * Math.Sin(f * x + phases[(c * 4 + o) * 2]) * Math.Cos(f * 0.8 * y + phases[(c * 4 + o) * 2 + 1]);
                    }
                    v += (x - 0.6 * y) % 57 < 20 ? 30 : 0; // edges
                    v += rng.Next(-4, 5);                  // grain
                    img.Pixels[(y * w + x) * 3 + c] = (byte)Math.Clamp(v, 0, 255);
                }
        return img;
    }

    /// <summary>Half-strength 3x3 box blur plus uniform noise: a lossy codec's loss of detail.</summary>
    private static RgbImage Degrade(RgbImage src, int noise, int seed)
    {
        var rng = new Random(seed);
        int w = src.Width, h = src.Height;
        var dst = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    double box = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                            box += src.Pixels[(Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)) * 3 + c];
                    double v = 0.5 * src.Pixels[(y * w + x) * 3 + c] + 0.5 * box / 9 + rng.Next(-noise, noise + 1);
                    dst.Pixels[(y * w + x) * 3 + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }
        return dst;
    }

    [Fact]
    public void GradientFlowsThroughTheTensorOverload()
    {
        using var scope = torch.NewDisposeScope();
        var clean = TestImages.Pattern(64, 64);
        var x = TensorImage.ToTensor(TestImages.AddUniformNoise(clean, 20, seed: 43)).requires_grad_(true);
        var y = TensorImage.ToTensor(clean);
        var loss = 1 - MsSsim.Compute(x, y).mean();
        loss.backward();
        var grad = x.grad!;
        Assert.True(grad.abs().sum().item<float>() > 0);
        Assert.True(grad.isfinite().all().item<bool>());
    }

    [Fact]
    public void Gradient_IsFinite_WhenContrastTermsAreClampedToZero()
    {
        // Early in training the output is unrelated to the target: negative cs terms hit the ReLU, whose
        // zero gradient must win over pow's infinite one at 0 (no NaN reaching the model).
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(45);
        var x = torch.rand(2, 3, 64, 64).requires_grad_(true);
        var y = 1 - x.detach(); // anti-correlated: every cs term is negative
        var score = MsSsim.Compute(x, y);
        (1 - score).sum().backward();
        Assert.True(score.isfinite().all().item<bool>());
        Assert.True(x.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void Gradient_MatchesFiniteDifferences()
    {
        // Float64 on a 24x24 image (two scales, odd-size pooling at the second): checks the analytic
        // gradient, including that the in-place ops inside MS-SSIM do not corrupt autograd.
        using var scope = torch.NewDisposeScope();
        var rng = new Random(44);
        double[] xs = Enumerable.Range(0, 3 * 24 * 24).Select(_ => 0.2 + 0.6 * rng.NextDouble()).ToArray();
        double[] ys = xs.Select(v => v + 0.1 * (rng.NextDouble() - 0.5)).ToArray();
        long[] shape = [1, 3, 24, 24];
        var y = torch.tensor(ys, shape);
        double F(double[] values) => MsSsim.Compute(torch.tensor(values, shape), y).item<double>();

        var x = torch.tensor(xs, shape).requires_grad_(true);
        MsSsim.Compute(x, y).sum().backward();
        double[] grad = x.grad!.data<double>().ToArray();

        const double h = 1e-4; // values are ~1 and gradients ~1e-8: a smaller step drowns in rounding
        foreach (int k in new[] { 0, 137, 600, 1000, 1727 })
        {
            double[] plus = (double[])xs.Clone(), minus = (double[])xs.Clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (F(plus) - F(minus)) / (2 * h);
            Assert.NotEqual(0, numeric);
            Assert.Equal(numeric, grad[k], 1e-3 * Math.Abs(numeric));
        }
    }

    [Theory]
    [InlineData(256, 5, 11)]
    [InlineData(161, 5, 11)]
    [InlineData(160, 4, 11)]
    [InlineData(64, 3, 11)]
    [InlineData(20, 1, 11)]
    [InlineData(21, 2, 11)]
    [InlineData(10, 1, 9)]
    [InlineData(8, 1, 7)]
    [InlineData(1, 1, 1)]
    public void Plan_ReducesScalesThenWindowForSmallImages(int minSide, int levels, int window)
    {
        var plan = MsSsim.Plan(minSide);
        Assert.Equal((levels, window), (plan.Levels, plan.Window));
        Assert.Equal(1.5 * window / 11, plan.Sigma, 12);
    }
}
