using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// Issue 22: the coordinator's persisted state does not grow with the job. Failures beyond
/// MaxRecordedFailures go to blob pages in the destination and are paged back in order; reasons
/// are clipped when recorded. Workers are off; the test plays them.
/// </summary>
public sealed class BoundedStateTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Failures_beyond_the_cap_go_to_blob_pages_and_the_saved_state_stays_the_same_size()
    {
        const int items = 300, cap = 20;
        var state = temp.Sub("state");
        var factory = new TestClusterFactory
        {
            StateFolder = state, WorkersEnabled = false, MaxInFlight = items,
            Configure = s => s.Configure<JobOptions>(o => o.MaxRecordedFailures = cap),
        };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var paths = Enumerable.Range(0, items).Select(i => $"f{i:D4}.png").ToList();
        foreach (var p in paths) File.WriteAllBytes(Path.Combine(src, p), [1]);
        var dst = temp.Sub("dst");
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("bounded");
        await job.StartAsync(new JobSpec { Source = src, Destination = dst });
        await job.WaitAsync(s => s.ListingComplete, TimeSpan.FromSeconds(60));

        // Reasons far longer than anything a user should see, and than a table property holds.
        var reason = "the codec refused it: " + new string('x', 100_000);
        var sizes = new List<long>();
        foreach (var chunk in paths.Chunk(50))
        {
            await job.ReportProgressAsync(new ProgressBatch("test", chunk.Select(p => new ItemOutcome(p, OutcomeKind.Failed, Reason: reason, Attempts: 3)).ToList()));
            sizes.Add(Directory.EnumerateFiles(state, "*.state", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
        }

        var end = await job.WaitAsync(s => s.Phase.IsTerminal(), TimeSpan.FromSeconds(30));
        Assert.Equal((JobPhase.Done, (long)items, (long)items), (end.Phase, end.Failed, end.FailuresRecorded));
        Assert.InRange(end.Failures.Count, 1, cap - 1);
        // Each saved state after the in-flight set emptied holds at most `cap` clipped failures: no more than ~cap × 400 bytes plus the rest.
        Assert.All(sizes, size => Assert.True(size < 64 * 1024, $"state of {size} bytes after {items} failures"));
        Assert.True(Directory.EnumerateFiles(Path.Combine(dst, ".hific-failures"), "*.json", SearchOption.AllDirectories).Any());

        // Paged back whole, in order, each reason clipped.
        var all = new List<JobFailure>();
        for (long offset = 0; ;)
        {
            var page = await job.GetFailuresAsync(offset, 7);
            Assert.Equal((long)items, page.Recorded);
            if (page.Failures.Count == 0) break;
            all.AddRange(page.Failures);
            offset += page.Failures.Count;
        }
        Assert.Equal(paths, all.Select(f => f.SourcePath));
        Assert.All(all, f => Assert.True(f.Reason.Length <= FailureText.MaxLength + 1 && f.Reason.StartsWith("the codec refused it: xxx", StringComparison.Ordinal), f.Reason[..40]));
        Assert.All(all, f => Assert.Equal(3, f.Attempts));
    }

    [Fact]
    public async Task Tiles_of_a_second_split_image_wait_while_the_open_ones_fill_MaxOpenTiles()
    {
        // Two split images of 12 tiles and room for 12 open tile hashes: the second image's tiles go
        // out only once the first is assembled, so TileSha256 never holds both. Workers are off; the test plays them.
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"), WorkersEnabled = false, MaxInFlight = 100,
            Configure = s => s.Configure<JobOptions>(o => o.MaxOpenTiles = 12),
        };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        string[] paths = ["a.png", "b.png"];
        foreach (var p in paths) File.WriteAllBytes(Path.Combine(src, p), [1]);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("tiles");
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst") });
        await job.WaitAsync(s => s.ListingComplete && s.Outstanding == 2, TimeSpan.FromSeconds(60));

        // Both split in one batch; one tick hands out tiles, so the first sight of any tile shows all that went out.
        await job.ReportProgressAsync(new ProgressBatch("test", paths.Select(p => new ItemOutcome(p, OutcomeKind.Split, TileCount: 12)).ToList()));
        var first = await job.WaitAsync(s => s.Outstanding > 0, TimeSpan.FromSeconds(30));
        Assert.Equal(12, first.Outstanding);

        // Whichever image went first: outcomes for keys not in flight are ignored, so both images' are reported.
        async Task FinishOpenImageAsync()
        {
            await job.ReportProgressAsync(new ProgressBatch("test", paths.SelectMany(p => Enumerable.Range(0, 12)
                .Select(t => new ItemOutcome(WorkKeys.For(p, WorkPart.Tile, t), OutcomeKind.TileDone, TileCount: 12, TileSha256: new string('0', 64)))).ToList()));
            await job.WaitAsync(s => s.Outstanding == 1, TimeSpan.FromSeconds(30)); // its assembly item
            await job.ReportProgressAsync(new ProgressBatch("test", paths.Select(p => new ItemOutcome(WorkKeys.For(p, WorkPart.Assemble), OutcomeKind.Done)).ToList()));
        }
        await FinishOpenImageAsync();
        var second = await job.WaitAsync(s => s.Outstanding > 0 || s.Phase.IsTerminal(), TimeSpan.FromSeconds(30));
        Assert.Equal((12L, 1L), (second.Outstanding, second.Done));
        await FinishOpenImageAsync();
        var end = await job.WaitAsync(s => s.Phase.IsTerminal(), TimeSpan.FromSeconds(30));
        Assert.Equal((JobPhase.Done, 2L, 24L, 2L), (end.Phase, end.Done, end.TilesDone, end.SplitImages));
    }
}
