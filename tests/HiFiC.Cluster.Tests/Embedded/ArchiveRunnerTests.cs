using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Embedded;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cluster.Tests.Embedded;

/// <summary>The embedded mode behind `hific archive compress|restore`: one in-process silo, no configuration.</summary>
public sealed class ArchiveRunnerTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Compress_then_restore_a_folder_reports_progress_and_restores_what_a_direct_decode_gives()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        var restoredDir = Path.Combine(temp.Path, "restored");
        var good = TestImages.WriteFolder(src, 6, withBadFiles: true);
        var models = new FixedModelSource(TestModel.Tiny);
        var updates = new List<JobStatus>();

        var summary = await ArchiveRunner.CompressAsync(
            new ArchiveRunOptions { Source = src, Destination = dst, TileSize = 64, Models = models, ModelInstances = 1, ThreadsPerInstance = 1, StatusInterval = TimeSpan.FromMilliseconds(50) },
            new SyncProgress<JobStatus>(updates.Add));

        Assert.Equal(JobPhase.Done, summary.Status.Phase);
        Assert.Equal((6L, 2L), (summary.Images, summary.Status.Failed));
        Assert.True(summary.Ratio > 0 && summary.MeanBpp > 0);
        Assert.Equal(summary.BytesAfter, good.Sum(g => new FileInfo(Path.Combine(dst, ArchiveNaming.Bitstream(g))).Length));
        Assert.NotEmpty(updates);
        Assert.Equal(JobPhase.Done, updates[^1].Phase);

        var restore = await ArchiveRunner.RestoreAsync(dst, restoredDir, models, modelInstances: 1);
        Assert.Equal(6, restore.Restored);
        Assert.Empty(restore.Failures);
        foreach (var g in good)
        {
            // ArchiveRunner.RestoreAsync's model threads run 2 intra-op threads each: decode with as many.
            var direct = DirectDecoder.Decode(TestModel.Tiny, File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(g))), threads: 2);
            var restored = ImageIO.Load(Path.Combine(restoredDir, ArchiveNaming.RestoredName(g)));
            Assert.Equal(direct.Image.Pixels, restored.Rgb.Pixels);
        }
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_the_job_and_returns_its_final_status()
    {
        var src = temp.Sub("photos");
        var dst = temp.Sub("archive");
        TestImages.WriteFolder(src, 40, withBadFiles: false);
        using var cts = new CancellationTokenSource();
        var summary = await ArchiveRunner.CompressAsync(
            new ArchiveRunOptions { Source = src, Destination = dst, TileSize = 64, Models = new FixedModelSource(TestModel.Tiny), ModelInstances = 1, ThreadsPerInstance = 1, StatusInterval = TimeSpan.FromMilliseconds(20) },
            new SyncProgress<JobStatus>(s => { if (s.Done >= 1) cts.Cancel(); }), ct: cts.Token);
        Assert.True(summary.Status.Phase is JobPhase.Cancelled or JobPhase.Done, JobWaits.Describe(summary.Status));
        Assert.Equal(summary.Status.Done * 2, ArchiveFiles.List(dst).Count);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want the callback inline.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) { lock (this) report(value); }
    }
}
