using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Restore;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace HiFiC.Cluster.Tests.Restore;

/// <summary>
/// Streamed restores (<see cref="IRestoreStreamGrain"/>) on a one-silo cluster whose Orleans
/// response timeout is 3 s: a restore that takes longer (a delay in the codec stands for a
/// 12-megapixel decode on a CPU) comes back whole through the stream, where the plain call times out.
/// </summary>
public sealed class RestoreStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);
    private readonly TempFolder temp = new();
    private TestClusterFactory factory = null!;
    private InProcessTestCluster cluster = null!;
    private string archive = "";

    public async Task InitializeAsync()
    {
        _ = TestModel.Tiny;
        factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            WorkersEnabled = false,
            ResponseTimeout = ResponseTimeout,
            Configure = s => s.Configure<RestoreOptions>(o => o.Timeout = TimeSpan.FromMinutes(2)),
        };
        cluster = await factory.StartAsync(1);
        archive = temp.Sub("archive");
        var src = temp.Sub("src");
        TestImages.WriteLarge(src);
        using var encoded = new MemoryStream();
        var result = new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(Path.Combine(src, TestImages.Large)), encoded, new CompressOptions { Rate = 1, TileSize = 64 });
        var bytes = encoded.ToArray();
        await ArchiveEntries.CommitAsync(new LocalFolderBlobStore(archive, writable: true), TestImages.Large, ArchiveNaming.Bitstream(TestImages.Large), bytes,
            output => new ArchiveManifest
            {
                SourcePath = TestImages.Large, SourceSize = 1, SourceSha256 = "00", Output = output, OutputSize = bytes.Length,
                OutputSha256 = ArchiveEntries.Sha256(bytes), ModelId = TestModel.Tiny.Id, ModelDigest = TestModel.Tiny.Digest, Rate = 1, TileSize = 64,
                Width = 256, Height = 192, Tiles = 12, Bpp = 1, LatentHash = result.LatentHash,
            }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        temp.Dispose();
    }

    private IAsyncEnumerable<RestoreChunk> Stream(RestoreRequest request) =>
        cluster.Client.GetGrain<IRestoreStreamGrain>(Guid.NewGuid()).RestoreAsync(request);

    [Fact]
    public async Task A_restore_longer_than_the_response_timeout_comes_back_whole_through_the_stream()
    {
        var request = new RestoreRequest(archive, TestImages.Large, Format: "webp", Quality: 90);
        // The reference comes through the stream too: a plain call's first restore (model load, JIT) can
        // itself outlast the 3 s timeout on a loaded machine (the stream's pixels equal a direct decode's: the other test).
        var quick = await RestoreStreams.ReadAllAsync(Stream(request));

        // Three response timeouts: the plain call gives up, the stream's long polls carry on (Orleans heartbeats every half timeout).
        factory.Knobs.RestoreDelay = 3 * ResponseTimeout;
        await Assert.ThrowsAsync<TimeoutException>(() => cluster.Client.GetGrain<IRestoreGrain>(0).RestoreAsync(request));
        var slow = await RestoreStreams.ReadAllAsync(Stream(request));

        Assert.Equal(quick.Png, slow.Png);
        Assert.Equal((quick.Width, quick.Height, quick.ETag, quick.LatentHash, quick.ContentType), (slow.Width, slow.Height, slow.ETag, slow.LatentHash, slow.ContentType));
    }

    [Fact]
    public async Task The_head_comes_first_with_the_length_and_errors_come_before_it()
    {
        await using (var chunks = Stream(new RestoreRequest(archive, TestImages.Large)).GetAsyncEnumerator())
        {
            var (head, length) = await RestoreStreams.ReadHeadAsync(chunks);
            Assert.Empty(head.Png);
            Assert.Equal((256, 192, "image/png"), (head.Width, head.Height, head.ContentType));
            using var body = new MemoryStream();
            await RestoreStreams.CopyToAsync(chunks, length, body, CancellationToken.None);
            Assert.Equal(length, body.Length);
            Assert.Equal(DirectDecoder.Decode(TestModel.Tiny, File.ReadAllBytes(Path.Combine(archive, ArchiveNaming.Bitstream(TestImages.Large))), TestClusterFactory.ThreadsPerInstance).Image.Pixels,
                ImageIO.Load(new MemoryStream(body.ToArray())).Rgb.Pixels);
        }
        // The same exceptions as the plain call, from the first step, before any byte.
        await Assert.ThrowsAsync<RestoreLimitException>(() => RestoreStreams.ReadAllAsync(Stream(new RestoreRequest(archive, TestImages.Large, new ImageRegion(250, 0, 32, 32)))));
        await Assert.ThrowsAsync<FileNotFoundException>(() => RestoreStreams.ReadAllAsync(Stream(new RestoreRequest(archive, "nope.png"))));
        // A cached copy that is current: the head says so and no bytes follow.
        var etag = (await RestoreStreams.ReadAllAsync(Stream(new RestoreRequest(archive, TestImages.Large, Width: 64)))).ETag;
        var notModified = await RestoreStreams.ReadAllAsync(Stream(new RestoreRequest(archive, TestImages.Large, Width: 64, IfNoneMatch: etag)));
        Assert.True(notModified.NotModified);
        Assert.Empty(notModified.Png);
    }
}
