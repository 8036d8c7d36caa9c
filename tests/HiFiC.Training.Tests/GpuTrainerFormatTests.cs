using HiFiC.Codec.Networks;
using TorchSharp;

namespace HiFiC.Training.Tests;

/// <summary>
/// tools/gpu-train writes weights with its own reader/writer of TorchSharp's state-dict format
/// (sdio.py) under the C# parameter names; `hific train` resumes from them and `hific train export`
/// ships them. CI has no PyTorch, so the fixture was written once by sdio.py: the tiny preset's
/// parameters, in golden-tiny's order, each filled with (k mod 97)·0.01 − 0.5 + 0.001·index.
/// </summary>
public sealed class GpuTrainerFormatTests
{
    [Fact]
    public void Weights_written_by_the_gpu_trainer_load_into_the_model_by_name_with_their_values()
    {
        using var model = new HificModel(HificPreset.Tiny);
        model.load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-written-by-sdio.bin"));
        int index = 0;
        foreach (var (name, tensor) in model.state_dict())
        {
            var values = tensor.to(torch.ScalarType.Float32).data<float>().ToArray();
            for (int k = 0; k < values.Length; k++)
                Assert.True(Math.Abs(values[k] - ((k % 97) * 0.01f - 0.5f + index * 0.001f)) < 1e-6, $"{name}[{k}] = {values[k]}");
            index++;
        }
        Assert.Equal(85, index);
    }
}
