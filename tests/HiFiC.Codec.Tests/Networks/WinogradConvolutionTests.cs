using HiFiC.Codec.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.Networks;

/// <summary>
/// The frozen generator computes its 3x3 convolutions at H/16 by Winograd's F(4x4, 3x3): it must be the
/// same convolution (reflection padding, bias, any size, not only whole 4x4 tiles), with gradients to its
/// input (refinement differentiates through the generator), and a frozen generator must give the pixels
/// the plain one gives.
/// </summary>
public class WinogradConvolutionTests
{
    public static TheoryData<int, int, int, int, int> Shapes() => new()
    {
        { 1, 16, 24, 8, 8 },   // whole tiles
        { 2, 7, 5, 5, 11 },    // partial tiles both ways, odd channel counts, a batch
        { 1, 3, 4, 2, 2 },     // the smallest input reflection padding allows
        { 1, 32, 32, 13, 6 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void It_is_the_reflection_padded_3x3_convolution_with_input_gradients(int n, int inC, int outC, int h, int w)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(inC * 100 + h);
        using var conv = nn.Conv2d(inC, outC, 3, stride: 1, padding: 1, padding_mode: PaddingModes.Reflect);
        using var fast = WinogradConvolution.For(conv);
        Assert.NotNull(fast);
        // Reference in float64 (exact enough to judge float32 errors of either method).
        var x64 = (randn(n, inC, h, w, float64) * 3).requires_grad_(true);
        var expected64 = nn.functional.conv2d(nn.functional.pad(x64, [1, 1, 1, 1], PaddingModes.Reflect),
            conv.weight!.detach().to(float64), conv.bias!.detach().to(float64));
        var upstream64 = randn(expected64.shape, float64);
        var expectedGrad = autograd.grad([(expected64 * upstream64).sum()], [x64])[0].to(float32);

        var x = ChannelsLast.Of(x64.detach().to(float32)).requires_grad_(true);
        var actual = fast!.Forward(x);
        Assert.Equal(expected64.shape, actual.shape);
        var scale = expected64.abs().max().item<double>();
        var error = (actual.to(float64) - expected64.detach()).abs().max().item<double>();
        Assert.True(error <= 1e-5 * scale, $"max |d| {error} for values up to {scale}");
        var grad = autograd.grad([(actual * upstream64.to(float32)).sum()], [x])[0];
        Assert.True(grad.allclose(expectedGrad, rtol: 1e-4, atol: 1e-4), $"input gradient: max |d| {(grad - expectedGrad).abs().max().item<float>()}");
    }

    [Fact]
    public void Only_the_shape_it_computes_gets_a_fast_form()
    {
        using var strided = nn.Conv2d(4, 4, 3, stride: 2, padding: 1);
        using var zeroPadded = nn.Conv2d(4, 4, 3, stride: 1, padding: 1);
        using var fiveByFive = nn.Conv2d(4, 4, 5, stride: 1, padding: 2, padding_mode: PaddingModes.Reflect);
        using var float64Conv = nn.Conv2d(4, 4, 3, stride: 1, padding: 1, padding_mode: PaddingModes.Reflect);
        float64Conv.to(ScalarType.Float64);
        Assert.Null(WinogradConvolution.For(strided));
        Assert.Null(WinogradConvolution.For(zeroPadded));
        Assert.Null(WinogradConvolution.For(fiveByFive));
        Assert.Null(WinogradConvolution.For(float64Conv));
        // Layers whose transformed weights would not be kept (the paper model's 960 channels) stay direct.
        using var wide = nn.Conv2d(4, 4, 3, stride: 1, padding: 1, padding_mode: PaddingModes.Reflect);
        Assert.Null(WinogradConvolution.For(wide, cachedWeightBytes: 36 * 4 * 4 * sizeof(float) - 1));
        using var kept = WinogradConvolution.For(wide, cachedWeightBytes: 36 * 4 * 4 * sizeof(float));
        Assert.NotNull(kept);
    }

    [Fact]
    public void A_frozen_generator_gives_the_plain_generators_pixels()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var preset = HificPreset.Tiny with { GeneratorChannels = 16, ResidualBlocks = 2 };
        using var plain = new HiFiC.Codec.Networks.Generator(preset);
        using var frozen = new HiFiC.Codec.Networks.Generator(preset);
        frozen.load_state_dict(plain.state_dict());
        plain.eval(); frozen.eval();
        frozen.Freeze();
        using var noGrad = no_grad();
        var y = randn(1, preset.LatentChannels, 6, 5) * 4;
        var expected = plain.forward(y);
        var actual = frozen.forward(y);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.is_contiguous());
        var error = (actual - expected).abs().max().item<float>();
        Assert.True(error < 1e-4f * Math.Max(1f, expected.abs().max().item<float>()), $"max |d| {error}");
    }

    [Theory]
    [InlineData(20, 3, 8)]  // 80 rows at H/4 in stripes of 8: interior stripes, a top and a bottom one
    [InlineData(21, 2, 5)]  // a last stripe shorter than the others
    [InlineData(4, 4, 3)]   // stripes shorter than the halo
    public void Striped_full_resolution_layers_give_the_whole_image_output(int latentHeight, int latentWidth, int stripeRows)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(latentHeight);
        var preset = HificPreset.Tiny with { UpsampleChannels = [8, 8, 6, 5] };
        using var whole = new HiFiC.Codec.Networks.Generator(preset);
        using var striped = new HiFiC.Codec.Networks.Generator(preset) { StripePixels = 1, MinStripeRows = stripeRows };
        striped.load_state_dict(whole.state_dict());
        whole.eval(); striped.eval();
        using var noGrad = no_grad();
        var y = randn(1, preset.LatentChannels, latentHeight, latentWidth) * 4;
        var expected = whole.forward(y);
        var actual = striped.forward(y);
        Assert.Equal(expected.shape, actual.shape);
        var error = (actual - expected).abs().max().item<float>();
        Assert.True(error < 1e-5f * Math.Max(1f, expected.abs().max().item<float>()), $"max |d| {error}");
    }

    [Fact]
    public void Disposing_a_frozen_generator_frees_its_transformed_weights()
    {
        var generator = new HiFiC.Codec.Networks.Generator(HificPreset.Tiny);
        generator.Freeze();
        var flags = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        var block = generator.modules().OfType<ResidualBlock>().First();
        var fast = new[] { typeof(HiFiC.Codec.Networks.Generator).GetField("fastHead", flags)!.GetValue(generator), typeof(ResidualBlock).GetField("fast1", flags)!.GetValue(block) };
        var weights = fast.Select(f => (Tensor)typeof(WinogradConvolution).GetField("u", flags)!.GetValue(f)!).ToList();
        Assert.All(weights, w => Assert.False(w.IsInvalid));
        generator.Dispose();
        Assert.All(weights, w => Assert.True(w.IsInvalid));
    }
}
