using System.Security.Cryptography;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Cluster.Tests.Entries;

/// <summary>
/// Issue 17 items 1-3 on a 2-silo cluster over real folders: skip only what is provably current,
/// one writer per destination, restore refuses entries whose bitstream is not the manifest's.
/// </summary>
public sealed class ArchiveIntegrityTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        fx.Factory.Knobs.Reset();
        temp.Dispose();
    }

    private IArchiveJobGrain Job(string name) => fx.Cluster.Client.GetGrain<IArchiveJobGrain>($"{name}-{Guid.NewGuid():N}");

    private static JobSpec Spec(string src, string dst) =>
        new() { Source = src, Destination = dst, Rate = 1, TileSize = 64, MaxAttempts = 3, SplitAbovePixels = TestImages.SplitThreshold };

    private async Task<JobStatus> RunAsync(JobSpec spec, string name = "job")
    {
        var job = Job(name);
        await job.StartAsync(spec);
        var end = await job.WaitForEndAsync(Timeout);
        Assert.True(end.Phase == JobPhase.Done, JobWaits.Describe(end));
        return end;
    }

    /// <summary>A 64x64 24-bit BMP: its byte length does not depend on its pixels, so content can change at the same size.</summary>
    private static void WriteBmp(string path, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var rng = new Random(seed);
        using var img = new Image<Rgb24>(64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                img[x, y] = new Rgb24((byte)(x * 4 + seed), (byte)(y * 4), (byte)rng.Next(256));
        img.SaveAsBmp(path);
    }

    private static ArchiveManifest Manifest(string dst, string path) => ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Fact]
    public async Task A_modified_original_of_the_same_length_and_time_is_archived_again_and_restores_the_new_content()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 3, withBadFiles: false);
        var photo = Path.Combine(src, "camera/photo.bmp");
        WriteBmp(photo, seed: 1);
        var before = await RunAsync(Spec(src, dst), "first");
        Assert.Equal(4, before.Done);
        var oldManifest = Manifest(dst, "camera/photo.bmp");
        var stamp = File.GetLastWriteTimeUtc(photo);
        var oldLength = new FileInfo(photo).Length;

        // Changed in place: same byte length, and even the same modification time.
        WriteBmp(photo, seed: 2);
        File.SetLastWriteTimeUtc(photo, stamp);
        var changed = File.ReadAllBytes(photo);
        Assert.Equal(oldLength, changed.Length);
        Assert.NotEqual(oldManifest.SourceSha256, Sha(changed));

        var again = await RunAsync(Spec(src, dst), "again");
        Assert.Equal((1L, 3L, 0L), (again.Done, again.Skipped, again.Failed));

        var m = Manifest(dst, "camera/photo.bmp");
        Assert.Equal(Sha(changed), m.SourceSha256);
        // Written beside the old bitstream (which the old manifest named until the switch), the old one then removed.
        Assert.Equal(ArchiveNaming.ContentAddressed(ArchiveNaming.Bitstream("camera/photo.bmp"), m.OutputSha256), m.Output);
        var camera = ArchiveFiles.List(dst).Where(f => f.StartsWith("camera/", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { ArchiveNaming.Manifest("camera/photo.bmp"), m.Output }.Order(StringComparer.Ordinal), camera);
        Assert.Equal(m.OutputSha256, Sha(File.ReadAllBytes(Path.Combine(dst, m.Output))));

        // The restore is the new photo's: its latents are those a direct encode of the new file gives.
        var direct = new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(new MemoryStream(changed)), new MemoryStream(), new CompressOptions { Rate = 1, TileSize = 64 });
        var restored = await fx.Cluster.Client.GetGrain<IRestoreGrain>(0).RestoreAsync(new RestoreRequest(dst, "camera/photo.bmp"));
        Assert.Equal(direct.LatentHash, restored.LatentHash);
        Assert.Equal(m.LatentHash, restored.LatentHash);
        Assert.NotEqual(oldManifest.LatentHash, restored.LatentHash);

        // And a third run finds everything current.
        var third = await RunAsync(Spec(src, dst), "third");
        Assert.Equal((0L, 4L), (third.Done, third.Skipped));
    }

    [Fact]
    public async Task A_tampered_or_missing_bitstream_is_refused_by_restore_and_archived_again()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 4, withBadFiles: false);
        await RunAsync(Spec(src, dst), "first");
        var restore = fx.Cluster.Client.GetGrain<IRestoreGrain>(0);

        var tampered = Path.Combine(dst, ArchiveNaming.Bitstream(good[0]));
        var bytes = File.ReadAllBytes(tampered);
        bytes[^5] ^= 0x10;
        File.WriteAllBytes(tampered, bytes);
        File.Delete(Path.Combine(dst, ArchiveNaming.Bitstream(good[1])));

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => restore.RestoreAsync(new RestoreRequest(dst, good[0])));
        Assert.Contains("does not match the manifest's SHA-256", refused.Message);
        Assert.Contains(good[0], refused.Message);
        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => restore.RestoreAsync(new RestoreRequest(dst, good[1])));
        Assert.Contains("missing", missing.Message);
        await Assert.ThrowsAsync<FileNotFoundException>(() => restore.RestoreAsync(new RestoreRequest(dst, "never/archived.png")));

        var again = await RunAsync(Spec(src, dst), "again");
        Assert.Equal((2L, 2L), (again.Done, again.Skipped));
        foreach (var path in good)
        {
            var m = Manifest(dst, path);
            Assert.Equal(m.OutputSha256, Sha(File.ReadAllBytes(Path.Combine(dst, m.Output))));
            Assert.Equal(m.LatentHash, (await restore.RestoreAsync(new RestoreRequest(dst, path))).LatentHash);
        }
    }

    [Fact]
    public async Task A_manifest_for_another_bitstream_is_refused_by_restore()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 2, withBadFiles: false);
        await RunAsync(Spec(src, dst), "first");
        // The mix issue 17 forbids: one image's manifest naming the bitstream of another.
        var m = Manifest(dst, good[0]);
        var other = Manifest(dst, good[1]);
        File.WriteAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(good[0])), (m with { Output = other.Output }).ToJsonBytes());

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() =>
            fx.Cluster.Client.GetGrain<IRestoreGrain>(0).RestoreAsync(new RestoreRequest(dst, good[0])));
        Assert.Contains("refusing to restore", refused.Message);

        var again = await RunAsync(Spec(src, dst), "again");
        Assert.Equal((1L, 1L), (again.Done, again.Skipped));
        // Re-archiving the first image never deletes the bitstream its forged manifest named: the second image's entry is intact.
        var second = Manifest(dst, good[1]);
        Assert.Equal(second.OutputSha256, Sha(File.ReadAllBytes(Path.Combine(dst, second.Output))));
        Assert.Equal(second.LatentHash, (await fx.Cluster.Client.GetGrain<IRestoreGrain>(0).RestoreAsync(new RestoreRequest(dst, good[1]))).LatentHash);
    }

    [Fact]
    public async Task Another_rate_or_tile_size_archives_everything_again()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 3, withBadFiles: false);
        await RunAsync(Spec(src, dst), "first");

        var rate = await RunAsync(Spec(src, dst) with { Rate = 2 }, "rate");
        Assert.Equal((3L, 0L), (rate.Done, rate.Skipped));
        var tile = await RunAsync(Spec(src, dst) with { Rate = 2, TileSize = 128 }, "tile");
        Assert.Equal((3L, 0L), (tile.Done, tile.Skipped));
        var same = await RunAsync(Spec(src, dst) with { Rate = 2, TileSize = 128 }, "same");
        Assert.Equal((0L, 3L), (same.Done, same.Skipped));
        Assert.All(ArchiveFiles.List(dst).Where(ArchiveNaming.IsManifest), f => Assert.Equal((2.0, 128), (Manifest(dst, ArchiveNaming.SourceOfManifest(f)).Rate, Manifest(dst, ArchiveNaming.SourceOfManifest(f)).TileSize)));
    }

    [Fact]
    public async Task A_second_job_on_a_destination_a_running_job_writes_is_refused_and_may_start_once_it_ends()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 8, withBadFiles: false);
        fx.Factory.Knobs.Delay = TimeSpan.FromMilliseconds(400);
        var first = Job("first");
        await first.StartAsync(Spec(src, dst));

        var second = Job("second");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(Spec(src, dst) with { Rate = 2 }));
        Assert.Contains("is being written by job", refused.Message);
        Assert.Contains(first.GetPrimaryKeyString(), refused.Message);
        Assert.Equal(JobPhase.None, (await second.GetStatusAsync()).Phase);
        // The same destination spelt differently is the same destination.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Job("spelt").StartAsync(Spec(src, dst + "/")));

        // Another destination is free.
        var elsewhere = Job("elsewhere");
        await elsewhere.StartAsync(Spec(src, temp.Sub("other")));

        var end = await first.WaitForEndAsync(Timeout);
        Assert.Equal((JobPhase.Done, 8L), (end.Phase, end.Done));
        Assert.Equal(JobPhase.Done, (await elsewhere.WaitForEndAsync(Timeout)).Phase);
        fx.Factory.Knobs.Delay = TimeSpan.Zero;

        // Released when the job ended (the coordinator's next tick): then another job may write there.
        var third = Job("third");
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try { await third.StartAsync(Spec(src, dst) with { Rate = 2 }); break; }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
        var thirdEnd = await third.WaitForEndAsync(Timeout);
        Assert.Equal((JobPhase.Done, 8L), (thirdEnd.Phase, thirdEnd.Done));
    }

    [Fact]
    public async Task Split_images_assemble_from_the_parts_the_coordinator_counted_and_leave_no_scratch()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteLarge(src);
        var job = Job("split");
        // A stale part of the same image from another job must not be picked up.
        var stalePart = Path.Combine(dst, ArchiveNaming.TilePart("old-job", TestImages.Large, 0, new string('a', 64)));
        Directory.CreateDirectory(Path.GetDirectoryName(stalePart)!);
        File.WriteAllBytes(stalePart, [1, 2, 3]);

        await job.StartAsync(Spec(src, dst) with { Verify = true });
        var end = await job.WaitForEndAsync(Timeout);
        Assert.Equal((JobPhase.Done, 1L, 12L), (end.Phase, end.Done, end.TilesDone));
        var m = Manifest(dst, TestImages.Large);
        Assert.True(m.Verified);
        using var direct = new MemoryStream();
        new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(Path.Combine(src, TestImages.Large)), direct, new CompressOptions { Rate = 1, TileSize = 64 });
        Assert.Equal(direct.ToArray(), File.ReadAllBytes(Path.Combine(dst, m.Output)));
        var scratch = Path.Combine(dst, ArchiveNaming.TilePartFolder(job.GetPrimaryKeyString()));
        Assert.Empty(Directory.Exists(scratch) ? Directory.EnumerateFiles(scratch, "*", SearchOption.AllDirectories) : []);
        Assert.True(File.Exists(stalePart)); // another job's scratch is not this job's to touch
    }
}
