using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Work;

/// <summary>
/// Skip-existing against deliveries whose outcome was lost. A stopping silo hands an item back
/// without counting an attempt, even when its entry was already committed: the next delivery is
/// then "delivery 1" again, and used to report the image as skipped (CI saw a job of 20 good images
/// end with 18 done and 2 skipped after a silo kill). The manifest now names its job.
/// </summary>
public sealed class ItemProcessorTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>One silo without consumers: the test calls the processor itself.</summary>
    private Task<Orleans.TestingHost.InProcessTestCluster> StartAsync() =>
        new TestClusterFactory { StateFolder = temp.Sub("state"), WorkersEnabled = false }.StartAsync(1);

    private string Source => Path.Combine(temp.Path, "src");

    private string OneImage() => TestImages.WriteFolder(temp.Sub("src"), 1, withBadFiles: false).Single();

    /// <summary>A whole-image item of <paramref name="job"/> with skip-existing, archiving into dst.</summary>
    private WorkItem ItemOf(string job)
    {
        var path = Directory.EnumerateFiles(Source).Select(f => Path.GetFileName(f)).Single();
        return new(job, Source, Path.Combine(temp.Path, "dst"), path, new FileInfo(Path.Combine(Source, path)).Length, TestModel.Tiny.Digest,
            Rate: 1, TileSize: 64, Verify: false, MaxAttempts: 3, SkipIfCurrent: true);
    }

    [Fact]
    public async Task An_entry_found_current_counts_as_done_for_the_job_that_wrote_it_and_as_skipped_for_any_other()
    {
        await using var cluster = await StartAsync();
        var processor = cluster.Silos[0].ServiceProvider.GetRequiredService<ItemProcessor>();
        var (dst, path) = (temp.Sub("dst"), OneImage());

        var first = await processor.ArchiveAsync(ItemOf("job-a"), default, delivery: 1);
        Assert.Equal(OutcomeKind.Done, first.Kind);
        var manifest = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));
        Assert.Equal("job-a", manifest.JobId);
        var written = File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(path)));

        // The same job again, as a first delivery: what the queue shows after an uncounted hand-back.
        var again = await processor.ArchiveAsync(ItemOf("job-a"), default, delivery: 1);
        Assert.Equal((OutcomeKind.Done, first.BytesOut, first.Pixels), (again.Kind, again.BytesOut, again.Pixels));
        // Another job, even on a redelivery: the entry was there before it.
        var other = await processor.ArchiveAsync(ItemOf("job-b"), default, delivery: 2);
        Assert.Equal(OutcomeKind.Current, other.Kind);
        // Neither rewrote anything.
        Assert.Equal(written, File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Bitstream(path))));
        Assert.Equal("job-a", ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path)))).JobId);
    }

    [Fact]
    public async Task A_manifest_that_names_no_job_falls_back_to_the_delivery_count()
    {
        await using var cluster = await StartAsync();
        var processor = cluster.Silos[0].ServiceProvider.GetRequiredService<ItemProcessor>();
        var (dst, path) = (temp.Sub("dst"), OneImage());
        var item = ItemOf("job-a");
        Assert.Equal(OutcomeKind.Done, (await processor.ArchiveAsync(item, default)).Kind);
        // An entry written before manifests named their job.
        var manifestPath = Path.Combine(dst, ArchiveNaming.Manifest(path));
        File.WriteAllBytes(manifestPath, (ArchiveManifest.FromJson(File.ReadAllBytes(manifestPath)) with { JobId = null }).ToJsonBytes());

        Assert.Equal(OutcomeKind.Current, (await processor.ArchiveAsync(item, default, delivery: 1)).Kind);
        Assert.Equal(OutcomeKind.Done, (await processor.ArchiveAsync(item, default, delivery: 2)).Kind);
        Assert.Equal(OutcomeKind.Done, (await processor.ArchiveAsync(item with { Resent = true }, default, delivery: 1)).Kind);
    }
}
