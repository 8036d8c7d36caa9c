using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.TestSupport;

/// <summary>A models folder holding a tiny seeded model exported under the default id (ModelRegistry.DefaultModelId), made once for all tests.</summary>
public sealed class TestModelFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "hific-cli-models-" + Guid.NewGuid().ToString("N")[..8]);
    public CodecModel Model { get; }

    public TestModelFolder()
    {
        Model = CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 1), Path.Combine(Root, ModelRegistry.DefaultModelId), ModelRegistry.DefaultModelId,
            CodecModel.DefaultRates(3), null, "test");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
