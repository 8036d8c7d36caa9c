using System.Diagnostics;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// How many item outcomes one coordinator absorbs per second when workers report in batches
/// (each batch is persisted before it is acknowledged). Workers are off; the test plays them.
/// </summary>
public sealed class CoordinatorThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task One_coordinator_absorbs_thousands_of_batched_outcomes_per_second_and_counts_each_once()
    {
        const int items = 2000, batch = 100;
        var setup = Stopwatch.StartNew();
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), WorkersEnabled = false, MaxInFlight = items };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var paths = new List<string>();
        for (int i = 0; i < items; i++)
        {
            var rel = $"d{i % 40:D2}/f{i:D5}.png";
            Directory.CreateDirectory(Path.Combine(src, Path.GetDirectoryName(rel)!));
            File.WriteAllBytes(Path.Combine(src, rel), [1]);
            paths.Add(rel);
        }
        output.WriteLine($"cluster + files: {setup.Elapsed.TotalSeconds:F1}s");
        setup.Restart();
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("throughput");
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst") });
        var listed = await job.WaitAsync(s => s.ListingComplete, TimeSpan.FromSeconds(60));
        Assert.Equal(items, listed.Queued);
        output.WriteLine($"listing {items} items: {setup.Elapsed.TotalSeconds:F1}s");

        var clock = Stopwatch.StartNew();
        foreach (var chunk in paths.Chunk(batch))
            await job.ReportProgressAsync(new ProgressBatch("test", chunk.Select(p => new ItemOutcome(p, OutcomeKind.Done, 1, 1, 1)).ToList()));
        var seconds = clock.Elapsed.TotalSeconds;
        // Redelivered reports change nothing.
        var dup = await job.ReportProgressAsync(new ProgressBatch("test", paths.Take(batch).Select(p => new ItemOutcome(p, OutcomeKind.Done, 1, 1, 1)).ToList()));

        var end = await job.GetStatusAsync();
        output.WriteLine($"{items} outcomes in {items / batch} batches: {seconds:F2}s = {items / seconds:F0} outcomes/s, {items / batch / seconds:F0} batches/s (folder storage, state of {items} in-flight items at start)");
        Assert.Equal((JobPhase.Done, (long)items), (end.Phase, end.Done));
        Assert.Equal((0, batch), (dup.Applied, dup.Ignored));
        Assert.True(items / seconds > 500, $"only {items / seconds:F0} outcomes/s");
    }
}
