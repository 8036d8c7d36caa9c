using System.Security.Cryptography;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using TorchSharp;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>Archive jobs on a 2-silo cluster: what ends up in the archive, what is reported, what restores.</summary>
[Collection(ExactOutputCollection.Name)]
public sealed class ArchiveJobTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        fx.Factory.Knobs.Reset();
        temp.Dispose();
    }

    private IArchiveJobGrain Job(string name) => fx.Cluster.Client.GetGrain<IArchiveJobGrain>($"{name}-{Guid.NewGuid():N}");

    private JobSpec Spec(string src, string dst, bool verify = false, bool skipExisting = true) =>
        new() { Source = src, Destination = dst, Rate = 1, TileSize = 64, Verify = verify, SkipExisting = skipExisting, MaxAttempts = 3, SplitAbovePixels = TestImages.SplitThreshold };

    [Fact]
    public async Task Refinement_reaches_whole_images_and_every_tile_of_split_ones_and_is_recorded()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var images = TestImages.WriteFolder(src, 2, withBadFiles: false);
        images.Add(TestImages.WriteLarge(src));
        var job = Job("refine");

        await job.StartAsync(Spec(src, dst, verify: true) with { RefineSteps = 2 });
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((3L, 0L, 1L), (status.Done, status.Failed, status.SplitImages));
        foreach (var path in images)
        {
            var m = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));
            Assert.Equal(2, m.RefineSteps);
            Assert.True(m.Verified); // the refined file was decoded bit-exactly before it counted
            // The archived file is what a direct 2-step refined encode writes (the refiner's noise is seeded per
            // tile, so split tiles refined on any silo give the same bytes). Whether it differs from the plain
            // encode is the guard's choice per tile (it keeps step 0 when refining does not lower J), so that
            // is not asserted here; LatentRefinerTests covers the guard.
            using var refined = new MemoryStream();
            torch.set_num_threads(TestClusterFactory.ThreadsPerInstance);
            new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(Path.Combine(src, path)), refined, new CompressOptions { Rate = 1, TileSize = 64, RefineSteps = 2 });
            Assert.Equal(refined.ToArray(), File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(path))));
        }
        await Assert.ThrowsAsync<ArgumentException>(() => Job("refine-bad").StartAsync(Spec(src, temp.Sub("dst2")) with { RefineSteps = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Job("refine-big").StartAsync(Spec(src, temp.Sub("dst3")) with { RefineSteps = 5, TileSize = 2048 }));
    }

    [Fact]
    public async Task A_rate_name_is_resolved_on_the_models_card_and_its_files_are_coded_at_that_rate()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var images = TestImages.WriteFolder(src, 1, withBadFiles: false);
        double lo = TestModel.Tiny.Card.RateByName("lo");
        var job = Job("named");

        await job.StartAsync(Spec(src, dst) with { Rate = 2, RateName = "LO" });
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal(lo, status.Rate);
        var m = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(images[0]))));
        Assert.Equal(lo, m.Rate); // the name wins over the spec's number
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Job("named-bad").StartAsync(Spec(src, temp.Sub("dst2")) with { RateName = "ultra" }));
        Assert.Equal("rateName", e.Data[ModelInfo.FieldKey]); // carried across the Orleans boundary, unlike ParamName
    }

    [Fact]
    public async Task Every_good_image_is_archived_once_with_a_valid_manifest_and_bad_files_are_failed_with_reasons()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 21, withBadFiles: true);
        good.Add(TestImages.WriteLarge(src));
        var job = Job("archive");

        await job.StartAsync(Spec(src, dst, verify: true));
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal(24, status.Queued);
        Assert.Equal(22, status.Done);
        Assert.Equal((1L, 12L), (status.SplitImages, status.TilesDone));
        Assert.Equal(2, status.Failed);
        Assert.Equal(0, status.Outstanding);
        Assert.Equal(TestImages.BadFiles.Order(StringComparer.Ordinal), status.Failures.Select(f => f.SourcePath).Order(StringComparer.Ordinal));
        Assert.All(status.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        Assert.Contains(status.Failures, f => f.Reason.Contains("not an image", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(status.Failures, f => f.Reason.Contains("truncated", StringComparison.OrdinalIgnoreCase));
        Assert.All(status.Failures, f => Assert.Equal(1, f.Attempts)); // bad input is not retried

        // Exactly one bitstream and one manifest per good image, nothing for the bad ones, no stray temp files.
        var written = ArchiveFiles.List(dst);
        var expected = good.SelectMany(g => new[] { ArchiveNaming.Bitstream(g), ArchiveNaming.Manifest(g) }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, written);

        long bytesIn = 0, bytesOut = 0;
        foreach (var path in good)
        {
            var original = File.ReadAllBytes(Path.Combine(src, path));
            var bitstream = File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(path)));
            var m = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));
            Assert.Equal(path, m.SourcePath);
            Assert.Equal(original.Length, m.SourceSize);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(original)), m.SourceSha256);
            Assert.Equal(bitstream.Length, m.OutputSize);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bitstream)), m.OutputSha256);
            Assert.Equal(TestModel.Tiny.Id, m.ModelId);
            Assert.Equal(TestModel.Tiny.Digest, m.ModelDigest);
            Assert.Equal(path == TestImages.Large ? (256, 192, 12) : (64, 64, 1), (m.Width, m.Height, m.Tiles));
            Assert.Equal(bitstream.Length * 8.0 / (m.Width * m.Height), m.Bpp, 9);
            // Split or not, the bitstream is the one a single encoder writes.
            using (var direct = new MemoryStream())
            {
                new HificEncoder(TestModel.Tiny).Compress(ImageIO.Load(new MemoryStream(original)), direct, new CompressOptions { Rate = 1, TileSize = 64 });
                Assert.Equal(direct.ToArray(), bitstream);
            }
            Assert.True(m.Verified);
            Assert.NotNull(m.Psnr);
            Assert.InRange(m.MsSsim!.Value, -1, 1);
            // The manifest's latent hash is what a decoder reproduces.
            var decoded = DirectDecoder.Decode(TestModel.Tiny, bitstream, TestClusterFactory.ThreadsPerInstance);
            Assert.Equal(m.LatentHash, decoded.LatentHash);
            bytesIn += original.Length;
            bytesOut += bitstream.Length;
        }
        Assert.Equal(bytesIn, status.BytesIn);
        Assert.Equal(bytesOut, status.BytesOut);
        Assert.Equal(bytesOut * 8.0 / (21 * 64 * 64 + 256 * 192), status.MeanBpp, 9);
        Assert.Equal((long)21 * 64 * 64 + 256 * 192, status.Pixels);
        Assert.Empty(Directory.EnumerateFiles(src, "*.hific*", SearchOption.AllDirectories));

        // Restore through the stateless-worker grain equals a direct decode, whole and by region: the
        // same pixels at the same intra-op thread count as the silos' model threads (DirectDecoder).
        var restore = fx.Cluster.Client.GetGrain<IRestoreGrain>(0);
        foreach (var path in good.Take(3).Append(TestImages.Large))
        {
            var direct = DirectDecoder.Decode(TestModel.Tiny, File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(path))), TestClusterFactory.ThreadsPerInstance);
            var restored = await restore.RestoreAsync(new RestoreRequest(dst, path));
            Assert.Equal(direct.Image.Pixels, ImageIO.Load(new MemoryStream(restored.Png)).Rgb.Pixels);
            Assert.Equal(direct.LatentHash, restored.LatentHash);

            var region = await restore.RestoreAsync(new RestoreRequest(dst, path, new ImageRegion(8, 16, 32, 24)));
            Assert.Equal(direct.Image.Crop(new PixelRect(8, 16, 32, 24)).Pixels, ImageIO.Load(new MemoryStream(region.Png)).Rgb.Pixels);
        }
    }

    [Fact]
    public async Task A_second_run_skips_what_is_archived_and_a_forced_rerun_rewrites_identical_bytes()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 6, withBadFiles: false);
        var first = Job("first");
        await first.StartAsync(Spec(src, dst));
        Assert.Equal(JobPhase.Done, (await first.WaitForEndAsync(Timeout)).Phase);
        var snapshot = ArchiveFiles.List(dst).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dst, f)));

        var second = Job("skip");
        await second.StartAsync(Spec(src, dst));
        var skipped = await second.WaitForEndAsync(Timeout);
        // Every image goes to a worker, which hashes the original and the bitstream before it counts as skipped.
        Assert.Equal((JobPhase.Done, 6L, 6L, 0L), (skipped.Phase, skipped.Skipped, skipped.Queued, skipped.Done));

        // Redelivery and re-runs write the same names with the same bytes; a manifest differs only in
        // naming the job that wrote it.
        var forced = Job("forced");
        await forced.StartAsync(Spec(src, dst, skipExisting: false));
        var again = await forced.WaitForEndAsync(Timeout);
        Assert.Equal((JobPhase.Done, 6L), (again.Phase, again.Done));
        var after = ArchiveFiles.List(dst).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dst, f)));
        Assert.Equal(snapshot.Keys.Order(), after.Keys.Order());
        Assert.All(snapshot, kv =>
        {
            if (!kv.Key.EndsWith(".json", StringComparison.Ordinal)) { Assert.Equal(kv.Value, after[kv.Key]); return; }
            var (before, now) = (ArchiveManifest.FromJson(kv.Value), ArchiveManifest.FromJson(after[kv.Key]));
            Assert.StartsWith("first-", before.JobId);
            Assert.StartsWith("forced-", now.JobId);
            Assert.Equal(before.ToJsonBytes(), (now with { JobId = before.JobId }).ToJsonBytes());
        });
    }

    [Fact]
    public async Task Pause_stops_handing_out_items_and_resume_finishes_the_job()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 16, withBadFiles: false);
        fx.Factory.Knobs.Delay = TimeSpan.FromMilliseconds(150);
        var job = Job("pause");
        await job.StartAsync(Spec(src, dst));
        await job.WaitAsync(s => s.Done >= 2, Timeout);

        var paused = await job.PauseAsync();
        Assert.Equal(JobPhase.Paused, paused.Phase);
        // Items already being compressed finish; after that nothing moves. The signal that nothing
        // moved (not a clock): the workers take the remaining items and hand each back unprocessed,
        // twice over, while no compression starts and Done stands still.
        var queue = fx.Factory.Hub.Get(new WorkQueueOptions().Name);
        var settled = await job.WaitAsync(s => s.Running == 0, Timeout);
        long remaining = 16 - settled.Done - settled.Failed;
        Assert.True(remaining > 0, JobWaits.Describe(settled));
        await Poll.UntilAsync(() => queue.ReleasesNotCounted, n => n >= 2 * remaining, Timeout, "the paused job's items handed back");
        settled = await job.GetStatusAsync();
        int compressions = Volatile.Read(ref fx.Factory.Knobs.Compressions);
        long handedBack = queue.ReleasesNotCounted;
        await Poll.UntilAsync(() => queue.ReleasesNotCounted, n => n >= handedBack + 2 * remaining, Timeout, "the paused job's items handed back again");
        var later = await job.GetStatusAsync();
        Assert.Equal(JobPhase.Paused, later.Phase);
        Assert.Equal((settled.Done, 0L), (later.Done, later.Running));
        Assert.Equal(compressions, Volatile.Read(ref fx.Factory.Knobs.Compressions));
        Assert.True(later.Done < 16, JobWaits.Describe(later));

        await job.ResumeAsync();
        var end = await job.WaitForEndAsync(Timeout);
        Assert.Equal((JobPhase.Done, 16L, 0L), (end.Phase, end.Done, end.Failed));
        Assert.Equal(32, ArchiveFiles.List(dst).Count);
    }

    [Fact]
    public async Task Cancel_drops_queued_items_and_keeps_what_is_finished()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 16, withBadFiles: false);
        // Slow enough that the 14 remaining items outlast the cancel call even on a loaded CI
        // machine (at 150 ms the job once finished first under load average 11).
        fx.Factory.Knobs.Delay = TimeSpan.FromMilliseconds(600);
        var job = Job("cancel");
        await job.StartAsync(Spec(src, dst));
        await job.WaitAsync(s => s.Done >= 2, Timeout);

        await job.CancelAsync();
        var end = await job.WaitForEndAsync(Timeout);
        Assert.Equal(JobPhase.Cancelled, end.Phase);
        Assert.True(end.Cancelled > 0 && end.Done < 16, JobWaits.Describe(end));
        Assert.Equal(end.Queued, end.Done + end.Failed + end.Cancelled);
        // Every finished item has its pair of files; nothing half-written.
        Assert.Equal(end.Done * 2, ArchiveFiles.List(dst).Count);
    }

    [Fact]
    public async Task Transient_faults_are_retried_and_poison_items_fail_after_max_attempts_with_the_reason()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 3, withBadFiles: false);
        TestImages.WritePng(Path.Combine(src, "flaky.png"), 72, 72, seed: 7);
        TestImages.WritePng(Path.Combine(src, "poison.png"), 80, 80, seed: 8);
        fx.Factory.Knobs.FailuresLeftBySize[new FileInfo(Path.Combine(src, "flaky.png")).Length] = 1;
        fx.Factory.Knobs.FailuresLeftBySize[new FileInfo(Path.Combine(src, "poison.png")).Length] = -1;

        var job = Job("poison");
        await job.StartAsync(Spec(src, dst));
        var end = await job.WaitForEndAsync(Timeout);

        Assert.Equal((JobPhase.Done, 4L, 1L), (end.Phase, end.Done, end.Failed));
        var failure = Assert.Single(end.Failures);
        Assert.Equal("poison.png", failure.SourcePath);
        Assert.Equal(3, failure.Attempts);
        Assert.Contains("gave up after 3 attempt(s)", failure.Reason);
        // A user message, not the exception's own text (which can carry paths, endpoints or keys).
        Assert.Contains("a storage read or write failed", failure.Reason);
        Assert.DoesNotContain("simulated transient fault", failure.Reason);
        Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest("flaky.png"))));
        Assert.False(File.Exists(Path.Combine(dst, ArchiveNaming.Bitstream("poison.png"))));
    }

    [Fact]
    public async Task Starting_twice_is_idempotent_and_a_destination_inside_the_source_is_refused()
    {
        var src = temp.Sub("src");
        TestImages.WriteFolder(src, 1, withBadFiles: false);
        var dst = temp.Sub("dst");
        var job = Job("twice");
        var a = await job.StartAsync(Spec(src, dst));
        var b = await job.StartAsync(Spec(src, dst));
        Assert.Equal(a.StartedUtc, b.StartedUtc);
        await Assert.ThrowsAsync<InvalidOperationException>(() => job.StartAsync(Spec(src, dst) with { Rate = 2 }));
        await job.WaitForEndAsync(Timeout);

        var nested = Job("nested");
        await Assert.ThrowsAsync<ArgumentException>(() => nested.StartAsync(Spec(src, Path.Combine(src, "out"))));
        Assert.Equal(JobPhase.None, (await nested.GetStatusAsync()).Phase);
    }
}
