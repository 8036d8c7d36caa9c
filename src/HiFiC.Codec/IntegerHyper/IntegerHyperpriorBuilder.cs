using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.IntegerHyper;

/// <summary>
/// Quantizes a trained float hyper-synthesis into an <see cref="IntegerHyperprior"/>. Runs once,
/// at export; its floating-point arithmetic may differ between machines, which is why the result
/// is stored with the model and never recomputed by a reader.
/// Weights: per output channel to ±2047 (12 bits + sign). Hidden activations: per layer to
/// 0..8191, the range set by the largest activation seen on calibration latents with 2x
/// headroom (larger ones clip: that can cost rate, never correctness). With these widths the
/// int32 accumulators stay far from wrapping on real latents.
/// </summary>
public static class IntegerHyperpriorBuilder
{
    private const double Headroom = 2.0;

    public static IntegerHyperprior Build(MeanScaleHyperprior hyperprior, IReadOnlyList<ZSample> calibration, ReadOnlySpan<float> indexBoundaries)
    {
        if (calibration.Count == 0) throw new ArgumentException("At least one calibration latent is needed.");
        var (mean, meanUnits) = Quantize(hyperprior.MeanSynthesis, calibration);
        var (scale, scaleUnits) = Quantize(hyperprior.ScaleSynthesis, calibration);

        // The last boundary is +infinity (nothing lies above the largest scale): it needs no threshold.
        int count = indexBoundaries.Length - 1;
        int channels = scale.OutChannels;
        var thresholds = new int[channels * count];
        for (int c = 0; c < channels; c++)
            for (int k = 0; k < count; k++)
            {
                // sigma > b  <=>  softplus(raw) > b - 0.11  <=>  raw > t  <=>  acc > t / unit  <=>  acc >= floor(t / unit) + 1.
                double t = InverseSoftplus(indexBoundaries[k] - (double)GaussianConditional.ScaleBound);
                double threshold = Math.Floor(t / scaleUnits[c]) + 1;
                thresholds[c * count + k] = (int)Math.Clamp(threshold, int.MinValue + 1.0, int.MaxValue);
            }
        return new IntegerHyperprior(mean, scale, meanUnits, thresholds, count);
    }

    /// <summary>z symbols of images at every rate level: what the hyper-synthesis will really see.</summary>
    public static List<ZSample> CalibrationLatents(HificModel model, IEnumerable<RgbImage> images)
    {
        var samples = new List<ZSample>();
        var device = model.parameters().First().device;
        using var noGrad = no_grad();
        foreach (var image in images)
        {
            int w = image.Width / HificPreset.SizeMultiple * HificPreset.SizeMultiple;
            int h = image.Height / HificPreset.SizeMultiple * HificPreset.SizeMultiple;
            if (w == 0 || h == 0) continue;
            var crop = new PixelRect((image.Width - w) / 2, (image.Height - h) / 2, w, h);
            for (int level = 0; level < model.Preset.RateLevels; level++)
            {
                using var scope = NewDisposeScope();
                var x = TensorImage.ToTensor(image, crop).to(device);
                var y = model.Analyze(x) * model.Gains.Gain(level);
                var z = model.Hyperprior.Analysis.forward(y).round().to(ScalarType.Int32).cpu().contiguous();
                samples.Add(new ZSample(z.data<int>().ToArray(), (int)z.shape[1], (int)z.shape[2], (int)z.shape[3]));
            }
        }
        return samples;
    }

    /// <summary>Deterministic photo-like images, for models with no calibration data (tests, seeded models).</summary>
    public static IReadOnlyList<RgbImage> SyntheticImages(int count = 3, int size = 128)
    {
        var images = new List<RgbImage>();
        for (int s = 0; s < count; s++)
        {
            var rng = new Random(1000 + s);
            var img = new RgbImage(size, size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int i = (y * size + x) * 3;
                    double edge = x > size / 2 + 7 * s ? 70 : 0;
                    img.Pixels[i] = Byte(30 + 150.0 * x / size + edge + rng.Next(-12, 13));
                    img.Pixels[i + 1] = Byte(50 + 130.0 * y / size + 50 * Math.Sin(x * (0.1 + 0.05 * s)) + rng.Next(-12, 13));
                    img.Pixels[i + 2] = Byte(110 + 70 * Math.Cos((x + y) * 0.04 * (s + 1)) + rng.Next(-12, 13));
                }
            images.Add(img);
        }
        return images;
    }

    private static byte Byte(double v) => (byte)Math.Clamp((int)Math.Round(v), 0, 255);

    /// <summary>softplus^-1(v) = log(exp(v) - 1); torch's softplus is the identity above 20.</summary>
    private static double InverseSoftplus(double v) => v > 20 ? v : Math.Log(Math.Exp(v) - 1);

    /// <summary>Returns the integer network and, per output channel, the real value of one accumulator unit.</summary>
    private static (IntegerHyperSynthesis Network, double[] OutputUnits) Quantize(HyperSynthesis synthesis, IReadOnlyList<ZSample> calibration)
    {
        var convs = synthesis.Convolutions();
        var maxima = ActivationMaxima(synthesis, calibration);
        var layers = new List<IntegerConvLayer>();
        double inputUnit = 1; // z symbols are integers already
        double[] units = [];
        for (int l = 0; l < convs.Count; l++)
        {
            var (transposed, weight, bias) = convs[l];
            var kind = transposed ? IntegerLayerKind.UpConv : IntegerLayerKind.Conv;
            bool last = l == convs.Count - 1;
            // [out][in][k*k] in double; ConvTranspose2d stores [in][out][k][k].
            using var w64 = (kind == IntegerLayerKind.UpConv ? weight.transpose(0, 1) : weight).to(ScalarType.Float64).cpu().contiguous();
            int outCh = (int)w64.shape[0], inCh = (int)w64.shape[1], k = (int)w64.shape[2];
            var wf = w64.data<double>().ToArray();
            var bf = bias.to(ScalarType.Float64).cpu().data<double>().ToArray();
            int per = inCh * k * k;
            var qw = new int[wf.Length];
            var qb = new int[outCh];
            units = new double[outCh];
            var weightUnits = new double[outCh];
            for (int o = 0; o < outCh; o++)
            {
                double max = 0;
                for (int j = 0; j < per; j++) max = Math.Max(max, Math.Abs(wf[o * per + j]));
                weightUnits[o] = max > 0 ? max / IntegerConvLayer.WeightMax : 1;
                for (int j = 0; j < per; j++) qw[o * per + j] = (int)Math.Round(wf[o * per + j] / weightUnits[o]);
                units[o] = inputUnit * weightUnits[o];
                qb[o] = (int)Math.Clamp(Math.Round(bf[o] / units[o]), -(double)(1 << 30), 1 << 30);
            }
            if (last)
            {
                layers.Add(new IntegerConvLayer(kind, inCh, outCh, k, qw, qb, [], []));
                break;
            }
            double outputUnit = Math.Max(maxima[l], 1e-6) * Headroom / IntegerConvLayer.ActivationMax;
            var (multiplier, shift) = IntegerHyperpriorBuilder.Requantizer(units, outputUnit);
            layers.Add(new IntegerConvLayer(kind, inCh, outCh, k, qw, qb, multiplier, shift));
            inputUnit = outputUnit;
        }
        return (new IntegerHyperSynthesis(layers), units);
    }

    /// <summary>The largest post-ReLU activation of every hidden layer over the calibration latents (float64).</summary>
    /// <summary>
    /// The fixed-point step from a layer's accumulator units to the next layer's activation unit: per
    /// channel, multiplier·2^-shift ≈ units[o]/outputUnit with a 31-bit multiplier. Shared by every integer network
    /// (hyper-synthesis, channel context) so they requantise alike.
    /// </summary>
    internal static (int[] Multiplier, byte[] Shift) Requantizer(double[] units, double outputUnit)
    {
        var multiplier = new int[units.Length];
        var shift = new byte[units.Length];
        for (int o = 0; o < units.Length; o++)
        {
            double ratio = units[o] / outputUnit;
            int s = Math.Clamp(30 - (int)Math.Floor(Math.Log2(ratio)), 1, 62);
            multiplier[o] = (int)Math.Min(Math.Round(ratio * Math.Pow(2, s)), int.MaxValue);
            shift[o] = (byte)s;
        }
        return (multiplier, shift);
    }

    private static double[] ActivationMaxima(HyperSynthesis synthesis, IReadOnlyList<ZSample> calibration)
    {
        var convs = synthesis.Convolutions();
        var maxima = new double[convs.Count - 1];
        using var noGrad = no_grad();
        foreach (var sample in calibration)
        {
            using var scope = NewDisposeScope();
            var a = tensor(sample.Symbols, [1, sample.Channels, sample.Height, sample.Width]).to(ScalarType.Float64);
            for (int l = 0; l < convs.Count - 1; l++)
            {
                var (transposed, weight, bias) = convs[l];
                var w = weight.to(ScalarType.Float64).cpu();
                var b = bias.to(ScalarType.Float64).cpu();
                a = transposed
                    ? nn.functional.conv_transpose2d(a, w, b, strides: [2, 2], padding: [2, 2], output_padding: [1, 1])
                    : nn.functional.conv2d(a, w, b, padding: [w.shape[2] / 2, w.shape[3] / 2]);
                a = nn.functional.relu(a);
                maxima[l] = Math.Max(maxima[l], a.max().item<double>());
            }
        }
        return maxima;
    }
}
