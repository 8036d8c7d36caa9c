using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>One hard-rounded iterate as the decoder will see it: its coded bits and its 8-bit reconstruction's quality.</summary>
/// <param name="Bits">Bits of the tile's coded streams (z and y), as written.</param>
/// <param name="Mse">MSE over the tile's real pixels, 8-bit values (0..255), of the reconstruction rounded as the decoder rounds it.</param>
/// <param name="MsSsim">MS-SSIM of the same 8-bit reconstruction (the benchmark's measure).</param>
public sealed record RefineMeasure(double Bits, double Mse, double MsSsim)
{
    /// <summary>True when this iterate is no worse than <paramref name="plain"/> in bits and in both quality measures.</summary>
    public bool NoWorseThan(RefineMeasure plain) => Bits <= plain.Bits && Mse <= plain.Mse && MsSsim >= plain.MsSsim;
}

/// <summary>What refining one tile did: the latent written, and how the guard chose it.</summary>
/// <param name="Encoded">The coded tile: the best hard-rounded iterate by real cost among those no worse than step 0 (step 0 = no refinement).</param>
/// <param name="KeptStep">The step whose iterate was written; 0 means no iterate beat the plain encoder without costing bits or quality.</param>
/// <param name="Lambda">The local rate-distortion slope used as λ in J (distortion per bit per pixel).</param>
/// <param name="CostBefore">J = λ·bpp + D of the plain encoder's tile, with bpp from the coded streams.</param>
/// <param name="CostAfter">J of the tile written (≤ <paramref name="CostBefore"/>).</param>
/// <param name="Before">Step 0's bits and quality.</param>
/// <param name="After">The written iterate's bits and quality: never more bits, higher MSE or lower MS-SSIM than <paramref name="Before"/>.</param>
/// <param name="RateLambda">The rate weight the optimiser ended with (λ, doubled at each guard check whose iterate cost more bits than step 0).</param>
public sealed record RefineOutcome(EncodedLatent Encoded, int Steps, int KeptStep, double Lambda, double CostBefore, double CostAfter,
    RefineMeasure Before, RefineMeasure After, double RateLambda);

/// <summary>
/// Encoder-side latent refinement with stochastic Gumbel annealing (SGA; Yang, Bamler, Mandt,
/// "Improving Inference for Neural Image Compression", NeurIPS 2020). The analysis transform's y
/// and the hyper-analysis' z are only good guesses; this class improves both for the one tile at
/// hand by Adam on J = λ·bpp + D, with every network weight fixed. Quantisation is relaxed on the
/// coder's own grid: the symbols round(y − μ) and round(z) are replaced by a Gumbel-softmax choice
/// between floor and ceil whose temperature anneals towards hard rounding, and the rate is the
/// discretised Gaussian / factorized likelihood the coder uses, floored at its 2⁻¹⁶. λ is the
/// model's local RD slope at the requested rate, measured on the tile (<see cref="LocalSlope"/>).
/// A guard hard-rounds the latents every few steps, codes them with the real coder and decodes them
/// as the decoder will (8-bit). Only iterates that are no worse than step 0 in every respect count:
/// no more coded bits, no higher MSE, no lower MS-SSIM; among them the best by real J is written,
/// else step 0. So refinement never makes a tile bigger or worse by either measure, not just better by J
/// (a J-only guard let the lowest rate buy +8% bits for quality, and let 2 of 35 points trade a hair of
/// MS-SSIM for bits). The optimiser's rate weight follows the guard: doubled whenever an iterate costs
/// more bits than step 0, so the run is steered back into the region the guard accepts. The decoder is unchanged.
/// </summary>
public static class LatentRefiner
{
    /// <summary>k_M and k_P of the trainer (src/HiFiC.Training/TrainerOptions): MSE on 0..255, 1 − MS-SSIM.</summary>
    public const double MseWeight = 4 * 0.075 / 32, MsSsimWeight = 10;

    /// <summary>The trainer's rate weights above target per level (lo, mi, hi): λ only where the local slope cannot be measured.</summary>
    private static readonly double[] RateWeights = [6, 1.25, 0.625];

    /// <summary>Half the rate interval over which the local slope is measured (t ± this, clipped to the model's range).</summary>
    public const double SlopeDelta = 0.25;

    /// <summary>The trainer's λ at rate t, interpolated geometrically: the fallback when a tile's measured slope is not positive.</summary>
    public static double RateWeight(double t, int levels)
    {
        if (levels <= 1) return RateWeights[1];
        double LevelWeight(int i) => levels == RateWeights.Length
            ? RateWeights[i]
            : Math.Exp(Math.Log(RateWeights[0]) + (Math.Log(RateWeights[^1]) - Math.Log(RateWeights[0])) * i / (levels - 1));
        int lo = Math.Clamp((int)Math.Floor(t), 0, levels - 2);
        double f = Math.Clamp(t - lo, 0, 1);
        return Math.Exp(Math.Log(LevelWeight(lo)) * (1 - f) + Math.Log(LevelWeight(lo + 1)) * f);
    }

    /// <summary>The distortion refinement trades against bits: k_M·MSE(0..255) + k_P·(1 − MS-SSIM), per image of the batch.</summary>
    public static Tensor Distortion(Tensor xHat, Tensor target, bool withMsSsim = true)
    {
        using var scope = NewDisposeScope();
        var mse = (xHat - target).mul(255).square().mean([1, 2, 3]) * MseWeight;
        var d = withMsSsim ? mse + (1 - MsSsim.Compute(xHat, target, 1.0)) * MsSsimWeight : mse;
        return d.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Refines one tile. <paramref name="x01"/> is the tile's context ([1,3,H,W], the core plus the
    /// encoder's margins), <paramref name="yRaw"/> its analysis latent before gains. Only the core's
    /// latent (<paramref name="latentCore"/>, in latent units relative to the context) is coded and
    /// refined; the margins stay the analysis transform's, as the neighbours' plain latents the
    /// decoder will put there. Distortion counts the core's pixels that are real image
    /// (<paramref name="inside"/>, pixels relative to the context): exactly what this tile's bits pay for.
    /// Noise is drawn from a generator seeded with <paramref name="seed"/>, so any process refining
    /// the same tile writes the same bytes (split encoding relies on it).
    /// </summary>
    public static RefineOutcome Refine(HificModel network, LatentCodec codec, Tensor x01, Tensor yRaw, double rate,
        RefineSchedule schedule, PixelRect latentCore, PixelRect inside, long seed, CancellationToken ct = default)
    {
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var target = x01.narrow(2, inside.Y, inside.Height).narrow(3, inside.X, inside.Width);
        double pixels = (double)inside.Width * inside.Height;
        Tensor Core(Tensor t) => t.narrow(2, latentCore.Y, latentCore.Height).narrow(3, latentCore.X, latentCore.Width);

        // Real cost of a hard-rounded tile: coded bits (the streams' lengths) and the decoder's reconstruction,
        // rounded to 8 bits as the decoder writes it, scored with the benchmark's own measures.
        var targetImage = TensorImage.ToImage(target);
        (EncodedLatent Encoded, double Bpp, double D, RefineMeasure Quality) Measure(Tensor context, double t, Tensor? zSymbols)
        {
            using var scope = NewDisposeScope();
            using var measuring = no_grad();
            var (encoded, yHat) = codec.EncodeWithReconstruction(Core(context).contiguous(), zSymbols);
            var full = context.clone();
            Core(full).copy_(yHat.to(full.device));
            var xHat = network.Synthesize(full, t).narrow(2, inside.Y, inside.Height).narrow(3, inside.X, inside.Width);
            var decoded = TensorImage.ToImage(xHat);
            double bits = 8.0 * (encoded.ZStream.Length + encoded.YStream.Length);
            double mse = Mse(decoded, targetImage), msssim = MsSsim.Compute(decoded, targetImage);
            double d = mse * MseWeight + (1 - msssim) * MsSsimWeight;
            return (encoded, bits / pixels, d, new RefineMeasure(bits, mse, msssim));
        }

        using var gain = network.Gains.Gain(rate);
        var y0 = yRaw * gain;
        var start = Measure(y0, rate, null);
        double lambda = LocalSlope(network, rate, yRaw, (start.Encoded, start.Bpp, start.D), (c, t, z) => { var m = Measure(c, t, z); return (m.Encoded, m.Bpp, m.D); });
        double bestCost = lambda * start.Bpp + start.D, startCost = bestCost;
        double rateLambda = lambda;
        var best = start.Encoded;
        var bestQuality = start.Quality;
        int bestStep = 0;

        using var random = new torch.Generator((ulong)seed, x01.device);
        using var enableGrad = enable_grad();
        var y = Core(y0).detach().clone().requires_grad_(true);
        var z = network.Hyperprior.Analysis.forward(Core(y0).contiguous()).detach().clone().requires_grad_(true);
        using var adam = new AdamState([y, z]); // disposed on cancellation too
        for (int step = 1; step <= schedule.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                double tau = schedule.Temperature(step);
                var zTilde = SgaRound(z, tau, random);
                var mean = network.Hyperprior.MeanSynthesis.forward(zTilde);
                var scale = GaussianConditional.ScaleFromRaw(network.Hyperprior.ScaleSynthesis.forward(zTilde));
                var yTilde = SgaRound(y - mean, tau, random) + mean;
                var floor = 1.0 / Entropy.EntropyConstants.CdfTotal;
                var bits = -GaussianConditional.Likelihood(yTilde, mean, scale).clamp_min(floor).log2().sum()
                           - network.Hyperprior.ZDensity.forward(zTilde).clamp_min(floor).log2().sum();
                // The core's relaxed latent in the fixed margins; the in-place copy keeps its gradient.
                var full = y0.detach().clone();
                Core(full).copy_(yTilde);
                var xHat = network.Synthesize(full, rate).narrow(2, inside.Y, inside.Height).narrow(3, inside.X, inside.Width);
                // MS-SSIM is in every step: the guard refuses any iterate that loses MS-SSIM, and without it the
                // early steps (MSE only) lost some (measured), which costs a third of a step each.
                var loss = bits / pixels * rateLambda + Distortion(xHat, target).sum();
                var grads = autograd.grad([loss], [y, z]);
                adam.Step([grads[0], grads[1]], schedule.LearningRate(step));
            }
            if (schedule.IsGuardStep(step))
            {
                Tensor candidate, zSymbols;
                using (no_grad())
                {
                    var c = y0.detach().clone();
                    Core(c).copy_(y.detach());
                    candidate = c;
                    zSymbols = z.detach().round();
                }
                var m = Measure(candidate, rate, zSymbols);
                double cost = lambda * m.Bpp + m.D;
                if (m.Quality.NoWorseThan(start.Quality) && cost < bestCost)
                    (bestCost, best, bestStep, bestQuality) = (cost, m.Encoded, step, m.Quality);
                // Steer the rate weight towards what the guard accepts: the relaxed rate is only an estimate
                // of the coded one, and λ (extrapolated below t = 0, floored past the knee) can be off.
                if (m.Quality.Bits > start.Quality.Bits) rateLambda *= 2;
            }
        }
        return new RefineOutcome(best, schedule.Steps, bestStep, lambda, startCost, bestCost, start.Quality, bestQuality, rateLambda);
    }

    /// <summary>Mean squared error of two 8-bit images over all RGB samples, exact (integer squared errors).</summary>
    public static double Mse(RgbImage a, RgbImage b)
    {
        ReadOnlySpan<byte> pa = a.Pixels, pb = b.Pixels;
        long sse = 0;
        for (int i = 0; i < pa.Length; i++) { int d = pa[i] - pb[i]; sse += d * d; }
        return (double)sse / pa.Length;
    }

    /// <summary>
    /// λ = −ΔD/Δbpp between the hard-rounded tile at t − δ and t + δ (real bits, real decode): the
    /// model's own exchange rate between bits and distortion at this rate, for this tile, floored at
    /// the trainer's λ at t (where the curve is flatter than that, past the knee, or rising).
    /// </summary>
    private static double LocalSlope(HificModel network, double rate, Tensor yRaw, (EncodedLatent Encoded, double Bpp, double D) here,
        Func<Tensor, double, Tensor?, (EncodedLatent Encoded, double Bpp, double D)> measure)
    {
        // Over the model's whole range, extrapolated ends included: at the lowest rate (t = −0.5) the
        // curve is steepest, and the trainer's λ at t = 0 priced its bits too low (+8% bits measured).
        int levels = network.Preset.RateLevels;
        double lo = Math.Max(RateGains.MinRate(levels), rate - SlopeDelta), hi = Math.Min(RateGains.MaxRate(levels), rate + SlopeDelta);
        if (hi - lo < 1e-6) return RateWeight(rate, network.Preset.RateLevels);
        (EncodedLatent Encoded, double Bpp, double D) At(double t)
        {
            if (Math.Abs(t - rate) < 1e-9) return here;
            using var scope = NewDisposeScope();
            using var g = network.Gains.Gain(t);
            return measure(yRaw * g, t, null);
        }
        var a = At(lo);
        var b = At(hi);
        double slope = -(b.D - a.D) / (b.Bpp - a.Bpp);
        double trained = RateWeight(rate, network.Preset.RateLevels);
        // A slope under the trainer's λ means the curve is past its knee: bits buy almost nothing there,
        // and at that price refinement spent them freely (measured: at t = 2 the files doubled for
        // +0.6 dB). The trainer's λ is the floor, so refinement never spends bits past the knee.
        return double.IsFinite(slope) && b.Bpp > a.Bpp ? Math.Max(slope, trained) : trained;
    }

    /// <summary>
    /// One SGA sample of round(x): floor(x) + w, w ∈ (0,1) a relaxed choice of ceil over floor with
    /// logits −atanh(distance)/τ and Gumbel (logistic) noise at temperature τ (sga.py, two classes).
    /// </summary>
    public static Tensor SgaRound(Tensor x, double tau, torch.Generator? random = null)
    {
        using var scope = NewDisposeScope();
        const double eps = 1e-5;
        var floor = x.detach().floor();
        var r = x - floor;
        var toFloor = -r.clamp(eps, 1 - eps).atanh() / tau;
        var toCeil = -(1 - r).clamp(eps, 1 - eps).atanh() / tau;
        var u = rand(x.shape, dtype: x.dtype, device: x.device, generator: random).clamp(eps, 1 - eps);
        var logistic = u.log() - (1 - u).log(); // difference of two Gumbel variables
        var w = ((toCeil - toFloor + logistic) / tau).sigmoid();
        return (floor + w).MoveToOuterDisposeScope();
    }
}
