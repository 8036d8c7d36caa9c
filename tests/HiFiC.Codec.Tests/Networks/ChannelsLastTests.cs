using HiFiC.Codec.Metrics;
using HiFiC.Codec.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.Networks;

/// <summary>
/// The networks run channels-last so that oneDNN never reads the unwritten padding of a blocked layout
/// (docs/codec.md, tools/NanRepro): the layout must not change values, and memory nobody wrote must
/// never reach an output or a gradient.
/// </summary>
public class ChannelsLastTests
{
    [Fact]
    public void A_channels_last_copy_has_the_same_values_and_nhwc_strides()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 5, 3, 4);
        Assert.False(ChannelsLast.Is(x));
        var cl = ChannelsLast.Of(x);
        Assert.True(ChannelsLast.Is(cl));
        Assert.Equal(new long[] { 60, 1, 20, 5 }, cl.stride());
        Assert.True(cl.eq(x).all().item<bool>());
        Assert.Same(cl, ChannelsLast.Of(cl));
        Assert.True(cl.contiguous().eq(x).all().item<bool>());
    }

    [Fact]
    public void Channel_norm_is_the_papers_formula_in_either_layout_with_the_same_gradients()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        using var norm = new ChannelNorm2d(6);
        using (no_grad())
            foreach (var p in norm.parameters()) p.copy_(randn(p.shape));
        var gamma = norm.parameters().First();
        var beta = norm.parameters().Last();
        var x = (randn(2, 6, 5, 7) * 3 + 1).requires_grad_(true);
        var mean = x.mean([1], keepdim: true);
        var centred = x - mean;
        var expected = centred * (centred.square().mean([1], keepdim: true) + 1e-3).rsqrt() * gamma + beta;
        var upstream = randn(2, 6, 5, 7);
        var expectedGrad = autograd.grad([(expected * upstream).sum()], [x])[0];
        foreach (var input in new[] { x, ChannelsLast.Of(x) })
        {
            var y = norm.forward(input);
            Assert.True(ChannelsLast.Is(y));
            Assert.True(y.allclose(expected, rtol: 1e-4, atol: 1e-5));
            var grad = autograd.grad([(y * upstream).sum()], [x])[0];
            Assert.True(grad.allclose(expectedGrad, rtol: 1e-3, atol: 1e-4));
        }
    }

    [Fact]
    public void Networks_return_ordinary_nchw_tensors()
    {
        using var scope = NewDisposeScope();
        using var model = HificModel.CreateSeeded(HificPreset.Tiny, 2);
        using var noGrad = no_grad();
        var y = model.Analyze(rand(1, 3, 64, 64));
        Assert.True(y.is_contiguous());
        var image = model.Synthesize(y.round(), 1.0);
        Assert.True(image.is_contiguous());
        Assert.Equal(new long[] { 1, 3, 64, 64 }, image.shape);
    }

    [Fact]
    public void The_generators_blocked_to_rgb_convolution_is_the_plain_7x7_convolution_with_its_gradients()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var preset = HificPreset.Tiny with { UpsampleChannels = [8, 8, 8, 5] };
        using var generator = new HiFiC.Codec.Model.Generator(preset);
        var toRgb = generator.ToRgbConvolution;
        var h = randn(2, 5, 32, 48).requires_grad_(true);
        var expected = toRgb.forward(h);
        var upstream = randn(expected.shape);
        var expectedGrads = autograd.grad([(expected * upstream).sum()], [h, toRgb.weight!, toRgb.bias!]);
        var actual = generator.ToRgb(ChannelsLast.Of(h));
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"max |d| {(actual - expected).abs().max().item<float>()}");
        var grads = autograd.grad([(actual * upstream).sum()], [h, toRgb.weight!, toRgb.bias!]);
        for (int i = 0; i < 3; i++)
            Assert.True(grads[i].allclose(expectedGrads[i], rtol: 1e-3, atol: 1e-3), $"gradient {i}: max |d| {(grads[i] - expectedGrads[i]).abs().max().item<float>()}");
    }

    /// <summary>
    /// The regression test for the NaN faults: freed memory is filled with NaN before each step, so a
    /// kernel that read what nobody wrote would return NaN every time instead of at random (it did,
    /// with NCHW tensors, at AVX2 and AVX-512). The process runs at the processor's widest instruction
    /// set (nothing caps it any more). Tiny has 4- and 8-channel layers, the worst case for padding.
    /// </summary>
    [Fact]
    public void Memory_nobody_wrote_never_reaches_an_output_or_a_gradient()
    {
        using var model = HificModel.CreateSeeded(HificPreset.Tiny, 3);
        using var discriminator = new Discriminator(HificPreset.Tiny);
        model.train();
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            PoisonFreedMemory();
            model.zero_grad();
            discriminator.zero_grad();
            var x = rand(2, 3, 64, 64);
            using var f = model.Forward(x, 1.0);
            var logits = discriminator.forward(HificModel.ToModelRange(f.Reconstruction), f.LatentHat);
            var loss = (f.Reconstruction - x).square().mean() + f.Bpp(64 * 64).mean() * 0.01 - logits.mean()
                       + (1 - MsSsim.Compute(f.Reconstruction.clamp(0, 1), x)).mean();
            loss.backward();
            Assert.True(float.IsFinite(loss.item<float>()), $"step {step}: loss");
            foreach (var (name, p) in model.named_parameters().Concat(discriminator.named_parameters()))
                if (p.grad is { } g) Assert.True(g.isfinite().all().item<bool>(), $"step {step}: gradient of {name}");

            // Refinement's backward: the gradient to y-hat through the generator.
            PoisonFreedMemory();
            var yHat = f.LatentHat.detach().clone().requires_grad_(true);
            (model.Synthesize(yHat, 1.0) - x).square().mean().backward();
            Assert.True(yHat.grad!.isfinite().all().item<bool>(), $"step {step}: gradient to y-hat");
        }
    }

    private static void PoisonFreedMemory()
    {
        for (long bytes = 4096; bytes <= 4L << 20; bytes = bytes * 3 / 2)
            for (int k = 0; k < 2; k++) full(bytes / 4, float.NaN).Dispose();
    }
}
