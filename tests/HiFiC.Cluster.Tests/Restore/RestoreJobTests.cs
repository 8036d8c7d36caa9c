using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Tests.Infrastructure;

namespace HiFiC.Cluster.Tests.Restore;

/// <summary>
/// Restore jobs (issue 19 item 4) on a real 2-silo cluster with the tiny model: an archive written
/// by an archive job, restored whole or by folder through the job machinery (queue, leases,
/// progress, pause/resume/cancel), each image checked against a single restore of the same entry.
/// </summary>
public sealed class RestoreJobTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        fx.Factory.Knobs.Reset();
        temp.Dispose();
    }

    private IArchiveJobGrain Job(string name) => fx.Cluster.Client.GetGrain<IArchiveJobGrain>($"{name}-{Guid.NewGuid():N}");
    private IRestoreGrain Single => fx.Cluster.Client.GetGrain<IRestoreGrain>(0);

    private static JobSpec Restore(string archive, string output) => new() { Kind = JobKind.Restore, Source = archive, Destination = output, SkipExisting = false };

    /// <summary>An archive of <paramref name="count"/> small images (some in set1/, set2/) and the 256x192 one (split into tiles when archived).</summary>
    private async Task<(string Archive, List<string> Paths)> ArchiveAsync(int count)
    {
        var src = temp.Sub("src");
        var dst = temp.Sub("archive");
        var good = TestImages.WriteFolder(src, count, withBadFiles: false);
        good.Add(TestImages.WriteLarge(src));
        var job = Job("archive");
        await job.StartAsync(new JobSpec { Source = src, Destination = dst, Rate = 1, TileSize = 64, SplitAbovePixels = TestImages.SplitThreshold });
        var status = await job.WaitForEndAsync(Timeout);
        Assert.True(status.Phase == JobPhase.Done && status.Done == good.Count, JobWaits.Describe(status));
        return (dst, good);
    }

    [Fact]
    public async Task A_whole_archive_restores_over_the_silos_as_single_restores_do_with_a_summary()
    {
        var (archive, paths) = await ArchiveAsync(5);
        var output = temp.Sub("restored");
        var job = Job("restore");

        var started = await job.StartAsync(Restore(archive, output));
        Assert.Equal(JobKind.Restore, started.Spec!.Kind);
        Assert.Null(started.ModelId); // each entry names its own model
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((6L, 6L, 0L, 0L), (status.Queued, status.Done, status.Failed, status.Skipped));
        Assert.Equal(paths.Select(ArchiveNaming.RestoredName).Order(StringComparer.Ordinal), ArchiveFiles.List(output));
        long written = 0, read = 0, pixels = 0;
        foreach (var path in paths)
        {
            // The same bytes as a single restore of the entry (the same pixels at the silos' thread count, the same PNG writer).
            var single = await Single.RestoreAsync(new RestoreRequest(archive, path));
            var bytes = File.ReadAllBytes(Path.Combine(output, ArchiveNaming.RestoredName(path)));
            Assert.Equal(single.Png, bytes);
            written += bytes.Length;
            read += new FileInfo(Path.Combine(archive, ArchiveNaming.Bitstream(path))).Length;
            pixels += (long)single.Width * single.Height;
        }
        Assert.Equal((read, written, pixels), (status.BytesIn, status.BytesOut, status.Pixels));
        Assert.Null(status.Rate);
        // Nothing written into the archive.
        Assert.Equal(2 * paths.Count, ArchiveFiles.List(archive).Count);
    }

    [Fact]
    public async Task A_folder_restores_alone_in_the_format_and_quality_asked_for()
    {
        var (archive, paths) = await ArchiveAsync(6);
        var output = temp.Sub("webp");
        var job = Job("folder");

        await job.StartAsync(Restore(archive, output) with { Folder = "set1", Format = "webp", Quality = 70 });
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        var inFolder = paths.Where(p => p.StartsWith("set1/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, inFolder.Count);
        Assert.Equal(inFolder.Count, status.Done);
        // a.png as WebP is a.png.webp: the extension is added, never swapped, so a.png and a.jpg never meet.
        Assert.Equal(inFolder.Select(p => p + ".webp").Order(StringComparer.Ordinal), ArchiveFiles.List(output));
        foreach (var path in inFolder)
        {
            var single = await Single.RestoreAsync(new RestoreRequest(archive, path, Format: "webp", Quality: 70));
            Assert.Equal(single.Png, File.ReadAllBytes(Path.Combine(output, path + ".webp")));
            Assert.Equal("RIFF"u8.ToArray(), single.Png[..4]);
        }

        // A folder the archive does not have: the job fails with the reason, having written nothing.
        var missing = Job("missing");
        await missing.StartAsync(Restore(archive, temp.Sub("none")) with { Folder = "no-such-folder" });
        var failed = await missing.WaitForEndAsync(Timeout);
        Assert.Equal(JobPhase.Failed, failed.Phase);
        Assert.Contains("cannot list the source", failed.Error);
    }

    [Fact]
    public async Task Images_already_in_the_destination_are_left_alone_unless_overwrite_is_asked()
    {
        var (archive, paths) = await ArchiveAsync(2);
        var output = temp.Sub("existing");
        var kept = Path.Combine(output, ArchiveNaming.RestoredName(paths[0]));
        File.WriteAllText(kept, "someone's file");

        var first = Job("keep");
        await first.StartAsync(Restore(archive, output));
        var status = await first.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((2L, 1L, 1L), (status.Done, status.Skipped, status.LeftAlone));
        Assert.Equal("someone's file", File.ReadAllText(kept));

        var second = Job("overwrite");
        await second.StartAsync(Restore(archive, output) with { Overwrite = true });
        status = await second.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((3L, 0L, 0L), (status.Done, status.Skipped, status.LeftAlone));
        Assert.Equal((await Single.RestoreAsync(new RestoreRequest(archive, paths[0]))).Png, File.ReadAllBytes(kept));
    }

    [Fact]
    public async Task A_restore_again_after_the_archive_changed_rewrites_its_own_stale_outputs_and_no_one_elses()
    {
        var (archive, paths) = await ArchiveAsync(3);
        var output = temp.Sub("again");
        var first = Job("restore1");
        await first.StartAsync(Restore(archive, output));
        var status = await first.WaitForEndAsync(Timeout);
        Assert.True(status.Phase == JobPhase.Done && status.Done == 4, JobWaits.Describe(status));

        // The photo behind paths[0] changes and the archive job replaces its entry; someone edits the restore of paths[1].
        TestImages.WritePng(Path.Combine(temp.Sub("src"), paths[0]), 64, 64, seed: 4242);
        var update = Job("update");
        await update.StartAsync(new JobSpec { Source = temp.Sub("src"), Destination = archive, Rate = 1, TileSize = 64, SplitAbovePixels = TestImages.SplitThreshold });
        status = await update.WaitForEndAsync(Timeout);
        Assert.True(status.Phase == JobPhase.Done && status.Done == 1, JobWaits.Describe(status));
        var stale = Path.Combine(output, ArchiveNaming.RestoredName(paths[0]));
        var edited = Path.Combine(output, ArchiveNaming.RestoredName(paths[1]));
        var before = File.ReadAllBytes(stale);
        File.AppendAllText(edited, "edited");
        var editedBytes = File.ReadAllBytes(edited);

        var second = Job("restore2");
        await second.StartAsync(Restore(archive, output));
        status = await second.WaitForEndAsync(Timeout);

        // paths[0]: this system's restore of the old entry, rewritten from the new one; paths[1]: changed by
        // someone, left alone; paths[2] and the large image: current, skipped.
        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((1L, 3L, 1L, 0L), (status.Done, status.Skipped, status.LeftAlone, status.Failed));
        var now = File.ReadAllBytes(stale);
        Assert.NotEqual(before, now);
        Assert.Equal((await Single.RestoreAsync(new RestoreRequest(archive, paths[0]))).Png, now);
        Assert.Equal(editedBytes, File.ReadAllBytes(edited));

        // Asked for as WebP, every image is written (another name); asked for again at another quality,
        // this system's WebP files are stale and rewritten, at the same quality current.
        var webp = Job("webp");
        await webp.StartAsync(Restore(archive, output) with { Format = "webp", Quality = 60 });
        Assert.Equal((4L, 0L), Counts(await webp.WaitForEndAsync(Timeout)));
        var webp2 = Job("webp2");
        await webp2.StartAsync(Restore(archive, output) with { Format = "webp", Quality = 80 });
        Assert.Equal((4L, 0L), Counts(await webp2.WaitForEndAsync(Timeout)));
        Assert.Equal((await Single.RestoreAsync(new RestoreRequest(archive, paths[2], Format: "webp", Quality: 80))).Png,
            File.ReadAllBytes(Path.Combine(output, paths[2] + ".webp")));
        var webp3 = Job("webp3");
        await webp3.StartAsync(Restore(archive, output) with { Format = "webp", Quality = 80 });
        Assert.Equal((0L, 4L), Counts(await webp3.WaitForEndAsync(Timeout)));

        static (long Done, long Skipped) Counts(JobStatus s) => (s.Done, s.Skipped);
    }

    [Fact]
    public async Task A_damaged_entry_fails_with_its_reason_at_once_and_the_others_restore()
    {
        var (archive, paths) = await ArchiveAsync(3);
        var damaged = Path.Combine(archive, ArchiveNaming.Bitstream(paths[1]));
        var bytes = File.ReadAllBytes(damaged);
        bytes[^10] ^= 0x55;
        File.WriteAllBytes(damaged, bytes);
        var output = temp.Sub("out");
        var job = Job("damaged");

        await job.StartAsync(Restore(archive, output) with { Format = "jpeg" });
        var status = await job.WaitForEndAsync(Timeout);

        Assert.True(status.Phase == JobPhase.Done, JobWaits.Describe(status));
        Assert.Equal((3L, 1L), (status.Done, status.Failed));
        var failure = Assert.Single(status.Failures);
        Assert.Equal(paths[1], failure.SourcePath);
        Assert.Contains("damaged", failure.Reason);
        Assert.Equal(1, failure.Attempts); // a damaged entry is not retried
        Assert.False(File.Exists(Path.Combine(output, paths[1] + ".jpg")));
        Assert.Equal(3, ArchiveFiles.List(output).Count);
    }

    [Fact]
    public async Task A_restore_job_pauses_resumes_and_cancels_like_an_archive_job()
    {
        var (archive, paths) = await ArchiveAsync(5);
        fx.Factory.Knobs.RestoreDelay = TimeSpan.FromMilliseconds(700);
        var job = Job("pause");

        await job.StartAsync(Restore(archive, temp.Sub("paused")));
        await fx.Factory.Knobs.RestoreStarted.Task.WaitAsync(Timeout);
        Assert.Equal(JobPhase.Paused, (await job.PauseAsync()).Phase);
        Assert.Equal(JobPhase.Paused, (await job.GetStatusAsync()).Phase);
        await job.ResumeAsync();
        var status = await job.WaitForEndAsync(Timeout);
        Assert.True(status.Phase == JobPhase.Done && status.Done == paths.Count, JobWaits.Describe(status));

        fx.Factory.Knobs.Reset();
        fx.Factory.Knobs.RestoreDelay = TimeSpan.FromSeconds(2);
        var cancelled = Job("cancel");
        await cancelled.StartAsync(Restore(archive, temp.Sub("cancelled")));
        await fx.Factory.Knobs.RestoreStarted.Task.WaitAsync(Timeout);
        await cancelled.CancelAsync();
        status = await cancelled.WaitForEndAsync(Timeout);
        Assert.True(status.Phase == JobPhase.Cancelled, JobWaits.Describe(status));
        Assert.Equal(status.Queued, status.Done + status.Failed + status.Cancelled);
    }

    [Fact]
    public void A_restore_item_crosses_a_remote_queue_whole_and_needs_no_model_digest()
    {
        var item = new WorkItem("job", "/archive", "/out", "set1/a.png", 0, "", 1, 512, true, 3, Restore: new RestoreTarget("webp", 70, Overwrite: true));
        // Remote queues carry items as JSON envelopes: the restore target must survive the round trip.
        var back = QueueEnvelope.From(new QueueEnvelope(item).ToBinary()).Item;
        Assert.Equal(item.Restore, back.Restore);
        Assert.Null(QueueEnvelope.Problem(back)); // the entry names its model
        Assert.NotNull(QueueEnvelope.Problem(back with { Restore = null })); // an archive item still must pin one
    }

    [Fact]
    public async Task Restore_settings_are_checked_by_the_one_validator()
    {
        var (archive, _) = await ArchiveAsync(1);
        async Task<string?> Refused(JobSpec spec) =>
            (await Assert.ThrowsAsync<ArgumentException>(() => Job("bad").StartAsync(spec))).Data[ModelInfo.FieldKey] as string;

        Assert.Equal("format", await Refused(Restore(archive, temp.Sub("a")) with { Format = "gif" }));
        Assert.Equal("quality", await Refused(Restore(archive, temp.Sub("b")) with { Format = "jpeg", Quality = 0 }));
        Assert.Equal("folder", await Refused(Restore(archive, temp.Sub("c")) with { Folder = "../outside" }));
        Assert.Equal("folder", await Refused(Restore(archive, temp.Sub("d")) with { Folder = "/etc" }));
        Assert.Equal("effort", await Refused(Restore(archive, temp.Sub("e")) with { Effort = "max" }));
        Assert.Equal("kind", await Refused(Restore(archive, temp.Sub("f")) with { Kind = "transcode" }));
        // Restore settings on an archive job are a mistake, not a no-op.
        Assert.Equal("format", await Refused(new JobSpec { Source = temp.Sub("src2"), Destination = temp.Sub("g"), Format = "webp" }));
        Assert.Equal("overwrite", await Refused(new JobSpec { Source = temp.Sub("src3"), Destination = temp.Sub("h"), Overwrite = true }));
        // The storage's rules as for archive jobs: the restored images never go inside the archive.
        await Assert.ThrowsAsync<ArgumentException>(() => Job("inside").StartAsync(Restore(archive, Path.Combine(archive, "restored"))));
    }
}
