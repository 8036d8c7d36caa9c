using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
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
        if (!ChannelsLast.Enabled)
        {
            Assert.Same(x, cl); // no blocked kernels here (no AVX2, or capped at SSE4.1): NCHW stays
            return;
        }
        Assert.True(ChannelsLast.Is(cl));
        Assert.Equal(new long[] { 60, 1, 20, 5 }, cl.stride());
        Assert.True(cl.eq(x).all().item<bool>());
        Assert.Same(cl, ChannelsLast.Of(cl));
        Assert.True(cl.contiguous().eq(x).all().item<bool>());
    }

    public static TheoryData<string> LayoutSensitiveOps() => ["reflect", "zeros", "unshuffle", "shuffle", "conv", "convT"];

    [Theory]
    [MemberData(nameof(LayoutSensitiveOps))]
    public void Ops_the_networks_use_give_the_same_values_and_gradients_channels_last(string op)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        // The reference runs in float64, which LibTorch does not hand to oneDNN: a float32 NCHW reference
        // would itself read unwritten padding (6 outputs) and give wrong gradients, the bug this avoids.
        var w64 = randn(6, 8, 3, 3, float64);
        var wT64 = randn(8, 6, 3, 3, float64);
        Func<Tensor, Tensor> f = op switch
        {
            "reflect" => t => nn.functional.pad(t, [3, 3, 3, 3], PaddingModes.Reflect),
            "zeros" => t => nn.functional.pad(t, [0, 2, 0, 2]),
            "unshuffle" => t => nn.functional.pixel_unshuffle(t, 4),
            "shuffle" => t => nn.functional.pixel_shuffle(t, 2),
            "conv" => t => nn.functional.conv2d(t, w64.to(t.dtype), padding: [1, 1]),
            _ => t => nn.functional.conv_transpose2d(t, wT64.to(t.dtype), strides: [2, 2], padding: [1, 1], output_padding: [1, 1]),
        };
        var x64 = randn(2, 8, 16, 24, float64).requires_grad_(true);
        var x = x64.detach().to(float32).requires_grad_(true);
        var expected64 = f(x64);
        var upstream64 = randn(expected64.shape, float64);
        var expectedGrad = autograd.grad([(expected64 * upstream64).sum()], [x64])[0].to(float32);
        var expected = expected64.detach().to(float32);
        var upstream = upstream64.to(float32);
        var actual = f(ChannelsLast.Of(x));
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"{op}: values");
        var grad = autograd.grad([(actual * upstream).sum()], [x])[0];
        Assert.True(grad.allclose(expectedGrad, rtol: 1e-3, atol: 1e-3), $"{op}: gradient, max |d| {(grad - expectedGrad).abs().max().item<float>()}");
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
            Assert.Equal(ChannelsLast.Enabled, ChannelsLast.Is(y));
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
        using var generator = new HiFiC.Codec.Networks.Generator(preset);
        var toRgb = generator.ToRgbConvolution;
        // Reference in float64 (not oneDNN, whose float32 NCHW backward reads unwritten padding with 3 outputs).
        var h64 = randn(2, 5, 32, 48, float64).requires_grad_(true);
        var w64 = toRgb.weight!.detach().to(float64).requires_grad_(true);
        var b64 = toRgb.bias!.detach().to(float64).requires_grad_(true);
        var expected64 = nn.functional.conv2d(nn.functional.pad(h64, [3, 3, 3, 3], PaddingModes.Reflect), w64, b64);
        var upstream64 = randn(expected64.shape, float64);
        var expectedGrads = autograd.grad([(expected64 * upstream64).sum()], [h64, w64, b64]).Select(g => g.to(float32)).ToArray();
        var expected = expected64.detach().to(float32);
        var upstream = upstream64.to(float32);
        var h = h64.detach().to(float32).requires_grad_(true);
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
