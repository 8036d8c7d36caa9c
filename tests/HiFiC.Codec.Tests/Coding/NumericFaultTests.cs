using System.Runtime.InteropServices;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Tests.Coding;

public partial class NumericFaultTests
{
    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [Fact]
    public void No_process_caps_onednn_since_the_networks_run_channels_last()
    {
        using var model = new HificModel(HificPreset.Tiny);
        Assert.Null(TorchRuntime.CapFor(avx2OrWider: false, inferenceOnly: false));
        Assert.Null(TorchRuntime.CapFor(avx2OrWider: true, inferenceOnly: false));
        Assert.Null(TorchRuntime.CapFor(avx2OrWider: true, inferenceOnly: true));
        Assert.Null(TorchRuntime.CappedIsa);
        // Whatever the test runner's environment chose reaches libtorch unchanged (null: oneDNN's own choice).
        Assert.Equal(Environment.GetEnvironmentVariable(TorchRuntime.DnnlIsaVariable), Marshal.PtrToStringUTF8(GetEnv(TorchRuntime.DnnlIsaVariable)));
    }

    [Fact]
    public void A_nan_anywhere_in_a_tensor_is_a_numeric_fault()
    {
        using var fine = ones(1, 3, 4, 4);
        NumericFault.ThrowIfNotFinite(fine, "generator");
        using var bad = ones(1, 3, 4, 4);
        bad[0, 1, 2, 3] = tensor(float.NaN);
        var e = Assert.Throws<NumericFaultException>(() => NumericFault.ThrowIfNotFinite(bad, "generator"));
        Assert.Contains("generator", e.Message);
    }

    [Fact]
    public void A_generator_that_outputs_nan_fails_the_decode_instead_of_returning_an_image()
    {
        var model = TestModels.Create(HificPreset.Tiny, 7, "test-nan");
        var ms = new MemoryStream();
        new HificEncoder(model).Compress(TestModels.Loaded(TestModels.Photo(64, 64)), ms);
        using (no_grad())
            foreach (var p in model.Network.Generator.parameters())
                p.fill_(float.NaN);
        Assert.Throws<NumericFaultException>(() => new HificDecoder(model).Decompress(new MemoryStream(ms.ToArray())));
    }

    [Fact]
    public void An_encoder_that_outputs_nan_fails_the_compress()
    {
        var model = TestModels.Create(HificPreset.Tiny, 7, "test-nan-encoder");
        using (no_grad())
            foreach (var p in model.Network.Encoder.parameters())
                p.fill_(float.NaN);
        Assert.Throws<NumericFaultException>(() => new HificEncoder(model).Compress(TestModels.Loaded(TestModels.Photo(64, 64)), new MemoryStream()));
    }
}
