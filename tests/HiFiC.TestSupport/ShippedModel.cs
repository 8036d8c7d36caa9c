using HiFiC.Codec.Models;

namespace HiFiC.TestSupport;

/// <summary>The shipped models/hific-lite, for the few tests that need real compression ratios (loaded once per process).</summary>
public static class ShippedModel
{
    private static readonly Lazy<CodecModel> lite = new(() => CodecModel.Load(Path.Combine(RepoPaths.Models, "hific-lite")));

    public static CodecModel Lite => lite.Value;
}
