using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Context;

/// <summary>
/// Quantizes a trained <see cref="ChannelContextModel"/> into an <see cref="IntegerChannelContext"/>
/// for a model's existing integer hyperprior. Runs once, at export (its floats may differ between
/// machines; the result is stored and never recomputed). Same rules as
/// <see cref="IntegerHyperpriorBuilder"/>: weights per output channel to ±2047, hidden activations
/// to 0..8191 with 2x headroom over the largest seen on calibration latents.
/// </summary>
public static class IntegerChannelContextBuilder
{
    private const double Headroom = 2.0;

    /// <param name="calibration">Latents as the trainer sees them: (y, hyper mean, hyper raw scale), each [N,C,H,W].</param>
    public static IntegerChannelContext Build(ChannelContextModel model, EntropyTables tables, IReadOnlyList<(Tensor Y, Tensor Mean, Tensor Raw)> calibration)
    {
        var hyper = tables.Hyper ?? throw new InvalidOperationException("a context model needs the integer hyperprior");
        var config = model.Config;
        // Raw scale thresholds: sigma = softplus(raw) + 0.11 reaches boundary k exactly when raw > t_k.
        int count = hyper.ThresholdCount;
        var rawThresholds = new double[count];
        for (int k = 0; k < count; k++) rawThresholds[k] = InverseSoftplus(tables.IndexBoundaries[k] - (double)GaussianConditional.ScaleBound);
        // The hyperprior's scale unit per channel, recovered from its thresholds (threshold_k = floor(t_k / unit) + 1):
        // the slope over the whole table, exact to ~1e-6 relative.
        var hyperUnits = new double[config.LatentChannels];
        for (int c = 0; c < config.LatentChannels; c++)
        {
            long span = (long)hyper.Thresholds[c * count + count - 1] - hyper.Thresholds[c * count];
            hyperUnits[c] = span > 0 ? (rawThresholds[count - 1] - rawThresholds[0]) / span : 1;
        }
        var maxima = Enumerable.Range(0, config.Networks).Select(n => new double[model.Convolutions(n).Count - 1]).ToArray();
        using (no_grad())
            foreach (var (y, mean, raw) in calibration)
            {
                using var scope = NewDisposeScope();
                model.Forward(y, mean, raw, (s, input) =>
                {
                    var a = input.to(ScalarType.Float64);
                    var convs = model.Convolutions(s);
                    for (int l = 0; l < convs.Count - 1; l++)
                    {
                        var (weight, bias) = convs[l];
                        var wgt = weight.to(ScalarType.Float64);
                        a = nn.functional.relu(nn.functional.conv2d(a, wgt, bias.to(ScalarType.Float64), padding: [wgt.shape[2] / 2, wgt.shape[3] / 2]));
                        maxima[s][l] = Math.Max(maxima[s][l], a.max().item<double>());
                    }
                });
            }
        var networks = new List<IntegerHyperSynthesis>();
        var units = new List<double[]>();
        for (int n = 0; n < config.Networks; n++)
        {
            var (network, outputUnits) = Quantize(model.Convolutions(n), maxima[n]);
            networks.Add(network);
            units.Add(outputUnits);
        }
        return new IntegerChannelContext(config, networks, units, hyperUnits, rawThresholds);
    }

    private static double InverseSoftplus(double v) => v > 20 ? v : Math.Log(Math.Exp(v) - 1);

    private static (IntegerHyperSynthesis Network, double[] OutputUnits) Quantize(IReadOnlyList<(Tensor Weight, Tensor Bias)> convs, double[] maxima)
    {
        var layers = new List<IntegerConvLayer>();
        double inputUnit = 1.0 / ChannelContextConfig.InputScale;
        double[] units = [];
        for (int l = 0; l < convs.Count; l++)
        {
            var (weight, bias) = convs[l];
            bool last = l == convs.Count - 1;
            using var w64 = weight.to(ScalarType.Float64).cpu().contiguous();
            int outCh = (int)w64.shape[0], inCh = (int)w64.shape[1], k = (int)w64.shape[2];
            var wf = w64.data<double>().ToArray();
            var bf = bias.to(ScalarType.Float64).cpu().data<double>().ToArray();
            int per = inCh * k * k;
            var qw = new int[wf.Length];
            var qb = new int[outCh];
            units = new double[outCh];
            for (int o = 0; o < outCh; o++)
            {
                double max = 0;
                for (int j = 0; j < per; j++) max = Math.Max(max, Math.Abs(wf[o * per + j]));
                double weightUnit = max > 0 ? max / IntegerConvLayer.WeightMax : 1;
                for (int j = 0; j < per; j++) qw[o * per + j] = (int)Math.Round(wf[o * per + j] / weightUnit);
                units[o] = inputUnit * weightUnit;
                qb[o] = (int)Math.Clamp(Math.Round(bf[o] / units[o]), -(double)(1 << 30), 1 << 30);
            }
            if (last)
            {
                layers.Add(new IntegerConvLayer(IntegerLayerKind.Conv, inCh, outCh, k, qw, qb, [], []));
                break;
            }
            double outputUnit = Math.Max(maxima[l], 1e-6) * Headroom / IntegerConvLayer.ActivationMax;
            var (multiplier, shift) = IntegerHyperpriorBuilder.Requantizer(units, outputUnit);
            layers.Add(new IntegerConvLayer(IntegerLayerKind.Conv, inCh, outCh, k, qw, qb, multiplier, shift));
            inputUnit = outputUnit;
        }
        return (new IntegerHyperSynthesis(layers), units);
    }
}
