using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using HiFiC.Codec.Tests.Coding;

namespace HiFiC.Codec.Tests.Models;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("hific-registry-").FullName;

    private string Export(string folder, long seed)
    {
        TorchRuntime.Configure(2);
        using var m = CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, seed), Path.Combine(root, folder), "hific-lite",
            CodecModel.DefaultRates(3), null, "test");
        return m.Digest;
    }

    [Fact]
    public void An_id_finds_the_current_version_and_a_digest_finds_retired_ones()
    {
        string old = Export(Path.Combine(ModelRegistry.RetiredFolder, "hific-lite-old"), 1);
        string current = Export("hific-lite", 2);
        var registry = new ModelRegistry([root]);

        Assert.Equal(current, registry.Load("hific-lite").Digest);
        Assert.Equal(old, registry.LoadByDigest(old, "hific-lite").Digest);
        Assert.Equal(old, registry.Load(old[..12]).Digest);
        var entries = registry.List();
        Assert.Equal([false, true], entries.Select(e => e.Retired));
        Assert.Equal(current, entries[0].Card.Digest);
    }

    [Fact]
    public void A_retired_version_alone_is_not_found_by_id()
    {
        Export(Path.Combine(ModelRegistry.RetiredFolder, "hific-lite-old"), 1);
        var registry = new ModelRegistry([root]);
        var e = Assert.Throws<ModelNotFoundException>(() => registry.Load("hific-lite"));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void A_missing_version_names_the_installed_one()
    {
        string current = Export("hific-lite", 2);
        var registry = new ModelRegistry([root]);
        var e = Assert.Throws<ModelNotFoundException>(() => registry.LoadByDigest(new string('a', 64), "hific-lite"));
        Assert.Contains("not installed", e.Message);
        Assert.Contains(current[..16], e.Message);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
