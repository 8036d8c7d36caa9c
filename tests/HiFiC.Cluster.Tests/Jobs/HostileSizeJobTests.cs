using System.Buffers.Binary;
using System.Diagnostics;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// Images that claim more than they are: a few hundred bytes whose header says 100k x 100k are
/// failed before they are decoded or split; and a split image, however many tiles it has, never
/// puts more than MaxInFlight of them in flight.
/// </summary>
public sealed class HostileSizeJobTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Header_only_image_bombs_fail_before_they_are_decoded_or_split()
    {
        var src = temp.Sub("src");
        File.WriteAllBytes(Path.Combine(src, "bomb.png"), PngHeader(100_000, 100_000));
        File.WriteAllBytes(Path.Combine(src, "bomb.jpg"), JpegHeader(65_000, 65_000));
        var good = TestImages.WriteFolder(src, 1, withBadFiles: false);
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), Configure = s => s.Configure<WorkerOptions>(o => o.MaxImagePixels = 50_000_000) };
        await using var cluster = await factory.StartAsync(1);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>($"bomb-{Guid.NewGuid():N}");

        // Split threshold far below the bombs' claimed size: without the guard they would fan out into millions of tiles.
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 2, SplitAbovePixels = 4096 });
        var status = await job.WaitForEndAsync(Patience);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((1L, 2L, 0L, 0L), (status.Done, status.Failed, status.SplitImages, status.TilesDone));
        Assert.Contains(status.Failures, f => f.SourcePath == "bomb.png" && f.Reason.Contains("100000x100000 (10,000,000,000 pixels), over the limit of 50,000,000"));
        Assert.Contains(status.Failures, f => f.SourcePath == "bomb.jpg" && f.Reason.Contains("65000x65000 (4,225,000,000 pixels), over the limit"));
        Assert.All(status.Failures, f => Assert.Equal(1, f.Attempts)); // refused, not retried
        Assert.Equal(1, factory.Knobs.Compressions); // only the good image reached the codec
    }

    [Fact]
    public async Task A_split_image_hands_out_at_most_MaxInFlight_tiles_at_a_time()
    {
        const int maxInFlight = 3, tiles = 40;
        var src = temp.Sub("src");
        TestImages.WritePng(Path.Combine(src, "huge.png"), 64, 64, seed: 3); // the coordinator never decodes it: the test plays the workers
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), WorkersEnabled = false, MaxInFlight = maxInFlight };
        await using var cluster = await factory.StartAsync(1);
        var queue = factory.Hub.Get(new WorkQueueOptions().Name);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>($"split-{Guid.NewGuid():N}");
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 2, SplitAbovePixels = 1 });

        var whole = Assert.Single(await ReceiveAsync(queue));
        await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(whole.Item.Key, OutcomeKind.Split, BytesIn: 100, TileCount: tiles)]));
        await queue.CompleteAsync(whole, CancellationToken.None);

        var seen = new List<int>();
        WorkItem? assemble = null;
        while (assemble is null)
        {
            var batch = await ReceiveAsync(queue);
            var status = await job.GetStatusAsync();
            Assert.True(batch.Count <= maxInFlight, $"{batch.Count} tiles out at once");
            Assert.True(status.Outstanding <= maxInFlight, JobWaits.Describe(status));
            foreach (var lease in batch)
            {
                if (lease.Item.Part == WorkPart.Assemble) { assemble = lease.Item; continue; }
                seen.Add(lease.Item.Tile);
                await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(lease.Item.Key, OutcomeKind.TileDone, BytesIn: 100, TileCount: tiles)]));
                await queue.CompleteAsync(lease, CancellationToken.None);
            }
        }

        Assert.Equal(Enumerable.Range(0, tiles), seen.Order());
        await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(assemble.Key, OutcomeKind.Done, BytesIn: 100, BytesOut: 10, Pixels: 4096)]));
        var end = await job.WaitForEndAsync(Patience);
        Assert.True(end.Phase == JobPhase.Done, JobWaits.Describe(end));
        Assert.Equal((1L, tiles), (end.SplitImages, end.TilesDone));
    }

    [Fact]
    public async Task Cancelling_a_job_with_tiles_still_waiting_ends_it_and_counts_the_image_once()
    {
        var src = temp.Sub("src");
        TestImages.WritePng(Path.Combine(src, "huge.png"), 64, 64, seed: 3);
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), WorkersEnabled = false, MaxInFlight = 2 };
        await using var cluster = await factory.StartAsync(1);
        var queue = factory.Hub.Get(new WorkQueueOptions().Name);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>($"split-cancel-{Guid.NewGuid():N}");
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 2, SplitAbovePixels = 1 });
        var whole = Assert.Single(await ReceiveAsync(queue));
        await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(whole.Item.Key, OutcomeKind.Split, BytesIn: 100, TileCount: 30)]));
        await queue.CompleteAsync(whole, CancellationToken.None);
        var out1 = await ReceiveAsync(queue);

        await job.CancelAsync();
        foreach (var lease in out1)
            await job.ReportProgressAsync(new ProgressBatch("test", [new ItemOutcome(lease.Item.Key, OutcomeKind.Cancelled)]));
        var end = await job.WaitForEndAsync(Patience);

        Assert.True(end.Phase == JobPhase.Cancelled, JobWaits.Describe(end));
        Assert.Equal(1, end.Cancelled);
    }

    private static async Task<IReadOnlyList<Silo.Queue.WorkLease>> ReceiveAsync(IWorkQueue queue)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            var got = await queue.ReceiveAsync(1000, TimeSpan.FromMinutes(5), CancellationToken.None);
            if (got.Count > 0) return got;
            await queue.WaitForItemsAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
        throw new TimeoutException("no item came");
    }

    /// <summary>A PNG signature and IHDR claiming the size, then IEND: no pixel data at all.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IEND", []);
        return ms.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            var len = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
            s.Write(len);
            var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            s.Write(body);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(body));
            s.Write(crc);
        }
    }

    /// <summary>SOI, a baseline SOF0 claiming the size with three components, EOI.</summary>
    private static byte[] JpegHeader(int width, int height)
    {
        byte[] sof = [0xFF, 0xC0, 0x00, 17, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3,
            1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0];
        return [0xFF, 0xD8, .. sof, 0xFF, 0xD9];
    }
}
