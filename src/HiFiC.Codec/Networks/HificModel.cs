using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Networks;

/// <summary>What one training forward pass yields for a batch.</summary>
public sealed record HificForward(Tensor Reconstruction, Tensor BitsY, Tensor BitsZ, Tensor LatentHat) : IDisposable
{
    /// <summary>Bits per pixel of each image: (bits of y + bits of z) / pixels.</summary>
    public Tensor Bpp(long pixels) => (BitsY + BitsZ) / pixels;

    public void Dispose()
    {
        Reconstruction.Dispose(); BitsY.Dispose(); BitsZ.Dispose(); LatentHat.Dispose();
    }
}

/// <summary>
/// HiFiC = analysis transform E + mean-scale hyperprior latent codec + generator G, with
/// per-level gains for variable rate. The discriminator lives in the trainer.
/// Images are [N,3,H,W] in [0,1] with H and W multiples of 64.
/// </summary>
public sealed class HificModel : nn.Module
{
    public HificPreset Preset { get; }
    public Encoder Encoder { get; }
    public MeanScaleHyperprior Hyperprior { get; }
    public RateGains Gains { get; }
    public Generator Generator { get; }

    // Before any kernel runs: see TorchRuntime.PrepareNative.
    static HificModel() => TorchRuntime.PrepareNative();

    public HificModel(HificPreset preset) : base("HificModel")
    {
        Preset = preset;
        Encoder = new Encoder(preset);
        Hyperprior = new MeanScaleHyperprior(preset);
        Gains = new RateGains(preset.RateLevels, preset.LatentChannels);
        Generator = new Generator(preset);
        RegisterComponents();
    }

    /// <summary>A model with weights drawn from a fixed seed: identical on every run (tests, fresh training).</summary>
    public static HificModel CreateSeeded(HificPreset preset, long seed)
    {
        random.manual_seed(seed);
        return new HificModel(preset);
    }

    /// <summary>[0,1] to the [-1,1] range the networks work in.</summary>
    public static Tensor ToModelRange(Tensor x01) => x01 * 2 - 1;
    public static Tensor FromModelRange(Tensor x) => (x + 1) * 0.5;

    /// <summary>y for an image (before gains), [N,C,H/16,W/16].</summary>
    public Tensor Analyze(Tensor x01)
    {
        using var scope = NewDisposeScope();
        return Encoder.forward(ToModelRange(x01)).MoveToOuterDisposeScope();
    }

    /// <summary>Image in [0,1] (unclamped) from a dequantised, gain-scaled latent.</summary>
    public Tensor Synthesize(Tensor yHatScaled, double rate)
    {
        using var scope = NewDisposeScope();
        var yHat = yHatScaled * Gains.InverseGain(rate);
        return FromModelRange(Generator.forward(yHat)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Training/evaluation forward: noisy quantisation for the rate, straight-through rounding for
    /// the generator. In eval mode (module.eval()) the latents are rounded instead of noised.
    /// </summary>
    public HificForward Forward(Tensor x01, double rate)
    {
        using var scope = NewDisposeScope();
        var y = Analyze(x01) * Gains.Gain(rate);
        var h = Hyperprior.Forward(y, training);
        var xHat = Synthesize(h.YHat, rate);
        var bitsY = -h.YLikelihood.log2().sum([1, 2, 3]);
        var bitsZ = -h.ZLikelihood.log2().sum([1, 2, 3]);
        var result = new HificForward(xHat, bitsY, bitsZ, h.YHat);
        result.Reconstruction.MoveToOuterDisposeScope();
        result.BitsY.MoveToOuterDisposeScope();
        result.BitsZ.MoveToOuterDisposeScope();
        result.LatentHat.MoveToOuterDisposeScope();
        return result;
    }

    public long ParameterCount(nn.Module m) => m.parameters().Sum(p => p.numel());
}
