using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.IntegerHyper;

public class IntegerConvLayerTests
{
    /// <summary>Small integers make torch's float64 convolution exact, so the two must agree to the bit.</summary>
    [Theory]
    [InlineData(IntegerLayerKind.Conv, 3, 3, 4, 7, 5)]
    [InlineData(IntegerLayerKind.Conv, 5, 2, 3, 4, 9)]
    [InlineData(IntegerLayerKind.UpConv, 5, 3, 4, 5, 6)]
    [InlineData(IntegerLayerKind.UpConv, 5, 2, 2, 1, 1)]
    public void Accumulators_equal_torchs_convolution_on_integers(IntegerLayerKind kind, int k, int inCh, int outCh, int h, int w)
    {
        TorchRuntime.Configure(2);
        var rng = new Random(k * 100 + inCh * 10 + outCh + h);
        var input = Enumerable.Range(0, inCh * h * w).Select(_ => rng.Next(-50, 51)).ToArray();
        // torch layout: Conv2d [out][in][k][k]; ConvTranspose2d [in][out][k][k]
        var torchWeights = Enumerable.Range(0, inCh * outCh * k * k).Select(_ => rng.Next(-2047, 2048)).ToArray();
        var bias = Enumerable.Range(0, outCh).Select(_ => rng.Next(-1000, 1001)).ToArray();

        using var scope = NewDisposeScope();
        var x = tensor(input, [1, inCh, h, w]).to(ScalarType.Float64);
        var b = tensor(bias).to(ScalarType.Float64);
        Tensor expected;
        int[] ours;
        if (kind == IntegerLayerKind.Conv)
        {
            var wt = tensor(torchWeights, [outCh, inCh, k, k]).to(ScalarType.Float64);
            expected = nn.functional.conv2d(x, wt, b, padding: [k / 2, k / 2]);
            ours = torchWeights;
        }
        else
        {
            var wt = tensor(torchWeights, [inCh, outCh, k, k]).to(ScalarType.Float64);
            expected = nn.functional.conv_transpose2d(x, wt, b, strides: [2, 2], padding: [2, 2], output_padding: [1, 1]);
            ours = wt.transpose(0, 1).contiguous().to(ScalarType.Int32).data<int>().ToArray();
        }
        var layer = new IntegerConvLayer(kind, inCh, outCh, k, ours, bias, [], []);
        var actual = layer.Forward(input, h, w, maxThreads: 2);
        var (oh, ow) = layer.OutputSize(h, w);
        Assert.Equal(expected.shape, new long[] { 1, outCh, oh, ow });
        Assert.Equal(expected.to(ScalarType.Int32).data<int>().ToArray(), actual);
    }

    [Fact]
    public void Requantization_is_relu_then_rounded_fixed_point_clamped()
    {
        Assert.Equal(0, IntegerConvLayer.Requantize(-5, 1 << 30, 30));
        Assert.Equal(3, IntegerConvLayer.Requantize(5, 5 << 27, 30));   // 5 * 0.625 = 3.125
        Assert.Equal(4, IntegerConvLayer.Requantize(7, 5 << 27, 30));   // 4.375
        Assert.Equal(IntegerConvLayer.ActivationMax, IntegerConvLayer.Requantize(int.MaxValue, int.MaxValue, 1));
    }

    [Fact]
    public void Accumulators_wrap_modulo_two_to_the_32_in_every_code_path()
    {
        // A 1x1 conv of 64 channels at the largest input and weight: the sum passes 2^31, and the
        // vector and scalar parts of the loop (a row of 37 sees both) must wrap alike. Inputs
        // beyond int16 are clamped first.
        int w = 37, channels = 64;
        var input = Enumerable.Range(0, channels * w).Select(i => i % 3 == 0 ? 100_000 : 32767 - i % 5).ToArray();
        var weights = Enumerable.Range(0, channels).Select(i => i % 7 == 0 ? -2047 : 2047).ToArray();
        var layer = new IntegerConvLayer(IntegerLayerKind.Conv, channels, 1, 1, weights, [12345], [], []);
        var actual = layer.Forward(input, 1, w, maxThreads: 1);
        for (int x = 0; x < w; x++)
        {
            int expected = 12345;
            for (int c = 0; c < channels; c++) expected = unchecked(expected + Math.Min(input[c * w + x], 32767) * weights[c]);
            Assert.Equal(expected, actual[x]);
        }
        Assert.Contains(actual, v => v < 0); // it did wrap
    }

    [Theory]
    [InlineData(IntegerLayerKind.Conv, 3, 7, 6, 5, 11)]
    [InlineData(IntegerLayerKind.UpConv, 5, 9, 5, 3, 7)]
    public void Scalar_and_AVX2_code_give_the_AVX512_codes_bits(IntegerLayerKind kind, int k, int inCh, int outCh, int h, int w)
    {
        // Odd channel counts (a padded input pair, a partial output block) and large values that wrap.
        var rng = new Random(inCh * outCh);
        var input = Enumerable.Range(0, inCh * h * w).Select(_ => rng.Next(-40000, 40001)).ToArray();
        var weights = Enumerable.Range(0, inCh * outCh * k * k).Select(_ => rng.Next(-32767, 32768)).ToArray();
        var bias = Enumerable.Range(0, outCh).Select(_ => rng.Next()).ToArray();
        var layer = new IntegerConvLayer(kind, inCh, outCh, k, weights, bias, [], []);
        var vector = layer.Forward(input, h, w, maxThreads: 2); // AVX-512 where the processor has it
        try
        {
            IntegerConvLayer.NoAvx512 = true;
            Assert.Equal(vector, layer.Forward(input, h, w, maxThreads: 2));
            IntegerConvLayer.ScalarOnly = true;
            Assert.Equal(vector, layer.Forward(input, h, w, maxThreads: 1));
        }
        finally { IntegerConvLayer.ScalarOnly = false; IntegerConvLayer.NoAvx512 = false; }
    }
}
