using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>The shipped models/hific-lite, for the few tests that need real compression ratios (loaded once per process).</summary>
public static class ShippedModel
{
    private static readonly Lazy<CodecModel> lite = new(() => CodecModel.Load(Path.Combine(RepoRoot(), "models", "hific-lite")));

    public static CodecModel Lite => lite.Value;

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HiFiC.Cluster.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("HiFiC.Cluster.sln not found above the test binaries.");
    }
}
