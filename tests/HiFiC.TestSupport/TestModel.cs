using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.TestSupport;

/// <summary>The tiny seeded model every test shares: same weights every run, built once per process.</summary>
public static class TestModel
{
    private static readonly Lazy<CodecModel> tiny = new(() => CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 1), "tiny"));

    public static CodecModel Tiny => tiny.Value;
}
