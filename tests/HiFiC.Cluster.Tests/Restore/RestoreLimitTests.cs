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
/// What a restore may cost a silo: sizes checked on the archived file's own header (whatever a
/// manifest says), a time limit, and cancellation from the caller reaching the decode. On a real
/// one-silo cluster with the tiny model; the failures cross the Orleans boundary as RestoreLimitException.
/// </summary>
public sealed class RestoreLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
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
            // The time limit sits below the test client's 10 s response timeout, as it should in production.
            Configure = s => s.Configure<RestoreOptions>(o => { o.Timeout = TimeSpan.FromSeconds(4); o.MaxPixels = 40_000; }),
        };
        cluster = await factory.StartAsync(1);
        // A 256x192 archived image whose manifest claims 8x8: the silo sizes restores by the file's header.
        archive = temp.Sub("archive");
        var src = temp.Sub("src");
        TestImages.WriteLarge(src);
        using var encoded = new MemoryStream();
        new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(Path.Combine(src, TestImages.Large)), encoded, new CompressOptions { Rate = 1, TileSize = 64 });
        var bytes = encoded.ToArray();
        await ArchiveEntries.CommitAsync(new LocalFolderBlobStore(archive, writable: true), TestImages.Large, ArchiveNaming.Bitstream(TestImages.Large), bytes,
            output => new ArchiveManifest
            {
                SourcePath = TestImages.Large, SourceSize = 1, SourceSha256 = "00", Output = output, OutputSize = bytes.Length,
                OutputSha256 = ArchiveEntries.Sha256(bytes), ModelId = TestModel.Tiny.Id, ModelDigest = TestModel.Tiny.Digest, Rate = 1, TileSize = 64,
                Width = 8, Height = 8, Tiles = 1, Bpp = 1, LatentHash = "00",
            }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        temp.Dispose();
    }

    private IRestoreGrain Restore => cluster.Client.GetGrain<IRestoreGrain>(0);

    [Fact]
    public async Task The_callers_pixel_limit_is_applied_to_the_size_in_the_header()
    {
        var e = await Assert.ThrowsAsync<RestoreLimitException>(() => Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, MaxPixels: 10_000)));

        Assert.Contains("(256x192) has 49152 pixels, more than the limit of 10000", e.Message);
        Assert.False(e.TimedOut);
    }

    [Fact]
    public async Task The_silos_own_limit_applies_when_the_caller_sets_none_or_a_larger_one()
    {
        var e = await Assert.ThrowsAsync<RestoreLimitException>(() => Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, MaxPixels: 1_000_000)));

        Assert.Contains("more than the limit of 40000", e.Message);
        await Assert.ThrowsAsync<RestoreLimitException>(() => Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large)));
    }

    [Fact]
    public async Task A_region_is_checked_against_the_header_and_one_inside_it_restores()
    {
        var outside = await Assert.ThrowsAsync<RestoreLimitException>(() =>
            Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, new ImageRegion(200, 150, 64, 64), MaxPixels: 10_000)));
        Assert.Contains("region 200,150,64,64 lies outside the image (256x192)", outside.Message);

        var image = await Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, new ImageRegion(192, 128, 64, 64), MaxPixels: 10_000));

        Assert.Equal((64, 64), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_restore_past_its_time_limit_is_stopped_and_reported_as_such()
    {
        factory.Knobs.RestoreDelay = TimeSpan.FromHours(1);
        try
        {
            var e = await Assert.ThrowsAsync<RestoreLimitException>(() =>
                Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, new ImageRegion(0, 0, 64, 64))).WaitAsync(Patience));

            Assert.True(e.TimedOut);
            Assert.Contains("took longer than its time limit (00:00:04)", e.Message);
            Assert.True(factory.Knobs.RestoreCancelled.Task.IsCompleted, "the decode was not told to stop");
        }
        finally { factory.Knobs.Reset(); }
    }

    [Fact]
    public async Task Cancelling_the_call_cancels_the_decode_on_the_silo()
    {
        factory.Knobs.RestoreDelay = TimeSpan.FromHours(1);
        try
        {
            using var cts = new CancellationTokenSource();
            var call = Restore.RestoreAsync(new RestoreRequest(archive, TestImages.Large, new ImageRegion(0, 0, 64, 64)), cts.Token);
            await factory.Knobs.RestoreStarted.Task.WaitAsync(Patience);

            await cts.CancelAsync();

            await factory.Knobs.RestoreCancelled.Task.WaitAsync(Patience);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        }
        finally { factory.Knobs.Reset(); }
    }
}
