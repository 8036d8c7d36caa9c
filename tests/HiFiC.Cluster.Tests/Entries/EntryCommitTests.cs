using HiFiC.Cluster.Contracts.Jobs;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Tests.Azure;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Entries;

/// <summary>
/// Entry commits (bitstream + manifest) on real folders and on Azurite: a crash before any write
/// or delete of a commit leaves the old entry or the new one, whole; skip's "current" needs every hash.
/// </summary>
public sealed class EntryCommitTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Stores => new() { "folder", "azurite" };

    private IBlobStore Open(string kind) => kind == "folder"
        ? new LocalFolderBlobStore(temp.Sub("archive-" + Guid.NewGuid().ToString("N")[..6]), writable: true)
        : new BlobStoreFactory(Options.Create(new AzureStorageOptions { ConnectionString = azurite.ConnectionString }))
            .OpenStore($"azblob://archive-{Guid.NewGuid():N}/v1");

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static readonly EntrySettings Settings = new("d1g3st", 1.0, 64, 0);

    private static Func<string, ArchiveManifest> ManifestFor(string path, byte[] original, byte[] payload) => output => new ArchiveManifest
    {
        SourcePath = path, SourceSize = original.Length, SourceSha256 = Sha(original),
        Output = output, OutputSize = payload.Length, OutputSha256 = Sha(payload),
        ModelId = "m", ModelDigest = Settings.ModelDigest, Rate = Settings.Rate, TileSize = Settings.TileSize, RefineSteps = Settings.RefineSteps,
        Width = 1, Height = 1, Tiles = 1, Bpp = 1, LatentHash = "00",
    };

    private static Task CommitAsync(IBlobStore store, string path, byte[] original, byte[] payload) =>
        ArchiveEntries.CommitAsync(store, path, ArchiveNaming.Bitstream(path), payload, ManifestFor(path, original, payload), CancellationToken.None);

    private static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_crash_at_any_step_of_a_commit_leaves_the_old_or_the_new_entry_whole(string kind)
    {
        var store = Open(kind);
        const string path = "a/photo.png";
        var versions = new[] { "one", "two", "three", "four" }.Select(v => (Original: Bytes("original " + v), Payload: Bytes("bitstream " + v))).ToArray();
        await CommitAsync(store, path, versions[0].Original, versions[0].Payload);

        // Each replacement crashes at every possible step in turn, then completes; it alternates
        // between the plain and the content-addressed name, so both directions are covered.
        for (int v = 1; v < versions.Length; v++)
        {
            var (oldEntry, next) = (versions[v - 1], versions[v]);
            for (int crashAt = 1; ; crashAt++)
            {
                var crashing = new CrashingBlobStore(store, crashAt);
                bool crashed;
                try { await CommitAsync(crashing, path, next.Original, next.Payload); crashed = false; }
                catch (SimulatedCrashException) { crashed = true; }

                var entry = await ArchiveEntries.ReadAsync(store, path, CancellationToken.None);
                var sha = Sha(entry.Bitstream);
                Assert.True(sha == Sha(oldEntry.Payload) || sha == Sha(next.Payload), $"version {v}, crash at {crashAt}: a bitstream of neither entry");
                Assert.Equal(entry.Manifest.SourceSha256, sha == Sha(next.Payload) ? Sha(next.Original) : Sha(oldEntry.Original));
                if (!crashed) break;
                // A crash before the manifest is written leaves the old entry; the first mutation is the bitstream.
                if (crashAt <= 2) Assert.Equal(Sha(oldEntry.Payload), sha);
                // Put the old entry back (as a retry would find it after a crash) for the next crash point.
                await CommitAsync(store, path, oldEntry.Original, oldEntry.Payload);
            }
            var done = await ArchiveEntries.ReadAsync(store, path, CancellationToken.None);
            Assert.Equal(Sha(next.Payload), Sha(done.Bitstream));
            // No garbage: the entry's manifest and one bitstream (stray bitstreams of crashed attempts are overwritten by the retries).
            Assert.Null(await ArchiveEntries.WhyNotCurrentAsync(store, path, next.Original, Settings, CancellationToken.None));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Current_needs_the_source_hash_the_bitstream_hash_and_the_same_settings(string kind)
    {
        var store = Open(kind);
        const string path = "p.png";
        var original = Bytes("original pixels");
        var payload = Bytes("a bitstream");
        Assert.Equal("no readable manifest", await ArchiveEntries.WhyNotCurrentAsync(store, path, original, Settings, CancellationToken.None));
        await CommitAsync(store, path, original, payload);
        Assert.Null(await ArchiveEntries.WhyNotCurrentAsync(store, path, original, Settings, CancellationToken.None));

        async Task<string?> Why(byte[] o, EntrySettings s) => await ArchiveEntries.WhyNotCurrentAsync(store, path, o, s, CancellationToken.None);
        var sameLength = Bytes("original PIXELS");
        Assert.Equal(original.Length, sameLength.Length);
        Assert.Contains("content changed", await Why(sameLength, Settings));
        Assert.Contains("size changed", await Why(Bytes("longer original pixels"), Settings));
        Assert.Contains("model", await Why(original, Settings with { ModelDigest = "0ther" }));
        Assert.Contains("rate", await Why(original, Settings with { Rate = 2 }));
        Assert.Contains("tile size", await Why(original, Settings with { TileSize = 128 }));
        Assert.Contains("refinement", await Why(original, Settings with { RefineSteps = 5 }));
        // A manifest from before effort levels (0 steps, no effort) is a fast entry; a balanced job re-encodes it.
        Assert.Null(await Why(original, Settings with { Effort = JobEffort.Fast }));
        Assert.Contains("effort", await Why(original, Settings with { Effort = JobEffort.Balanced }));

        await store.WriteAsync(ArchiveNaming.Bitstream(path), Bytes("a bitstreaM"), default);
        Assert.Contains("SHA-256", await Why(original, Settings));
        await Assert.ThrowsAsync<InvalidDataException>(() => ArchiveEntries.ReadAsync(store, path, CancellationToken.None));
        await store.DeleteAsync(ArchiveNaming.Bitstream(path), default);
        Assert.Equal("the bitstream is missing", await Why(original, Settings));
        await store.WriteAsync(ArchiveNaming.Manifest(path), Bytes("{ not json"), default);
        Assert.Equal("no readable manifest", await Why(original, Settings));
        var damaged = await Assert.ThrowsAsync<InvalidDataException>(() => ArchiveEntries.ReadAsync(store, path, CancellationToken.None));
        Assert.Contains("does not parse", damaged.Message);
    }

    [Theory]
    [InlineData("large/wide.png", "large/wide.png.hific", "large/wide.png", "large/wide.png.hific")]
    [InlineData("large/wide.png", "large/wide.png.0123456789abcdef.hific", "wide.png", "wide.png.0123456789abcdef.hific")]
    [InlineData("a/b/c.jpg", "a/b/c.jpg.hific", "b/c.jpg", "b/c.jpg.hific")]
    public void A_bitstream_is_found_beside_its_manifest_when_a_sub_folder_of_the_archive_is_opened(string written, string output, string asked, string expected)
    {
        var m = ManifestFor(written, Bytes("o"), Bytes("p"))(output);
        Assert.Equal(expected, ArchiveEntries.BitstreamOf(asked, m));
    }
}
