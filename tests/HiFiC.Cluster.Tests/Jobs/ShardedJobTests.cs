using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Tests.Infrastructure;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// Issue 22: a job spread over several coordinator grains (JobSpec.Coordinators). Each shard lists
/// the source and counts the images whose path hashes to it; the job's grain sums them, holds the
/// destination lock and carries pause, resume and cancel to its shards.
/// </summary>
public sealed class ShardedJobTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        fx.Factory.Knobs.Reset();
        temp.Dispose();
    }

    private IArchiveJobGrain Grain(string id) => fx.Cluster.Client.GetGrain<IArchiveJobGrain>(id);

    private static JobSpec Spec(string src, string dst, int coordinators) =>
        new() { Source = src, Destination = dst, Rate = 1, TileSize = 64, MaxAttempts = 2, SplitAbovePixels = TestImages.SplitThreshold, Coordinators = coordinators };

    [Fact]
    public async Task Each_image_is_counted_once_by_the_shard_its_path_hashes_to_and_the_job_sums_them()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var images = TestImages.WriteFolder(src, 12, withBadFiles: true);
        images.Add(TestImages.WriteLarge(src));
        var id = $"sharded-{Guid.NewGuid():N}";
        var job = Grain(id);

        var started = await job.StartAsync(Spec(src, dst, 3));
        Assert.Equal(3, started.Coordinators);
        Assert.Equal(started.JobId, (await job.StartAsync(Spec(src, dst, 3))).JobId); // idempotent for the same spec
        var end = await job.WaitForEndAsync(Timeout);

        Assert.True(end.Phase == JobPhase.Done, JobWaits.Describe(end));
        Assert.Equal((13L, 2L, 1L, 12L), (end.Done, end.Failed, end.SplitImages, end.TilesDone));
        Assert.Equal((0L, 0L), (end.Outstanding, end.DuplicateReports));
        Assert.True(end.ListingComplete);
        Assert.Equal(4, end.CoordinatorSilos.Count);
        // Every image once in the archive: a manifest and a bitstream each, nothing else.
        Assert.Equal(images.Count * 2, ArchiveFiles.List(dst).Count);
        Assert.All(images, p => Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest(p))), p));

        // Each shard counted exactly its own paths (the hash decides, whichever silo hosts it).
        var all = images.Concat(TestImages.BadFiles).ToList();
        for (int i = 0; i < 3; i++)
        {
            var shard = await Grain(ShardStart.Key(id, i)).GetStatusAsync();
            var mine = all.Where(p => ShardStart.Of(p, 3) == i).ToList();
            Assert.Equal(JobPhase.Done, shard.Phase);
            Assert.Equal(mine.Count, shard.Done + shard.Failed);
            Assert.Equal(mine.Count(p => TestImages.BadFiles.Contains(p)), shard.Failed);
        }

        // The failures page through the job's grain, across its shards.
        var failures = await job.GetFailuresAsync(0, 10);
        Assert.Equal(2, failures.Recorded);
        Assert.Equal(TestImages.BadFiles.Order(), failures.Failures.Select(f => f.SourcePath).Order());
        Assert.Single((await job.GetFailuresAsync(1, 10)).Failures);
    }

    [Fact]
    public async Task Pause_resume_and_cancel_reach_every_shard_and_the_job_ends_cancelled_with_every_item_accounted_for()
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 16, withBadFiles: false);
        fx.Factory.Knobs.Delay = TimeSpan.FromMilliseconds(600);
        var id = $"sharded-cancel-{Guid.NewGuid():N}";
        var job = Grain(id);
        await job.StartAsync(Spec(src, dst, 2));
        await job.WaitAsync(s => s.Done >= 1, Timeout);

        Assert.Equal(JobPhase.Paused, (await job.PauseAsync()).Phase);
        for (int i = 0; i < 2; i++) Assert.Equal(JobPhase.Paused, await Grain(ShardStart.Key(id, i)).GetPhaseAsync());
        Assert.True((await job.ResumeAsync()).Phase.IsActive());
        for (int i = 0; i < 2; i++) Assert.True((await Grain(ShardStart.Key(id, i)).GetPhaseAsync()).IsActive());

        await job.CancelAsync();
        var end = await job.WaitForEndAsync(Timeout);
        Assert.Equal(JobPhase.Cancelled, end.Phase);
        Assert.True(end.Done < 16, JobWaits.Describe(end));
        Assert.Equal(end.Queued, end.Done + end.Failed + end.Cancelled);
        for (int i = 0; i < 2; i++) Assert.Equal(JobPhase.Cancelled, await Grain(ShardStart.Key(id, i)).GetPhaseAsync());
        Assert.Equal(end.Done * 2, ArchiveFiles.List(dst).Count);
    }

    [Fact]
    public async Task A_coordinator_count_outside_1_to_64_is_refused_before_anything_starts()
    {
        var src = temp.Sub("src");
        TestImages.WriteFolder(src, 1, withBadFiles: false);
        foreach (int n in new[] { 0, 65 })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => Grain($"bad-{n}-{Guid.NewGuid():N}").StartAsync(Spec(src, temp.Sub($"dst{n}"), n)));
            Assert.Equal("coordinators", e.Data[JobSpecValidator.FieldKey]);
        }
    }

    [Fact]
    public void Shards_are_chosen_by_a_stable_hash_that_spreads_paths()
    {
        // FNV-1a: fixed across processes and runtimes (string.GetHashCode is randomised per process).
        Assert.Equal((int)(0xe40c292cu % 7), ShardStart.Of("a", 7));
        var counts = new int[8];
        for (int i = 0; i < 8000; i++) counts[ShardStart.Of($"in/img{i:D6}.png", 8)]++;
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
        Assert.Equal("job-1#shard03", ShardStart.Key("job-1", 3));
    }
}
