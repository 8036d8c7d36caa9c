using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// A silo stopped gracefully (SIGTERM to `hific silo`) hands the items it was compressing back to
/// the queue at once, without spending an attempt: with a one-minute visibility timeout the job
/// still ends within seconds on the other silo.
/// </summary>
public sealed class GracefulStopTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_stopping_silo_hands_back_its_in_flight_items_at_once()
    {
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), Visibility = TimeSpan.FromMinutes(1) };
        factory.Knobs.Delay = TimeSpan.FromSeconds(1.5);
        _ = TestModel.Tiny;
        await using var cluster = await factory.StartAsync(2);
        var src = temp.Sub("src");
        TestImages.WriteFolder(src, 6, withBadFiles: false);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("stop-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), TileSize = 64, MaxAttempts = 1 });

        // Both silos busy (2 consumers each), then the second one stops mid-compression.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref factory.Knobs.Compressions) < 4 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        await cluster.StopSiloAsync(cluster.Silos[1]);
        var stoppedAt = DateTime.UtcNow;

        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{(DateTime.UtcNow - stoppedAt).TotalSeconds:F1}s after the stop: {JobWaits.Describe(end)}");
        // MaxAttempts = 1: a handed-back item that counted as an attempt would have failed.
        Assert.Equal((JobPhase.Done, 6L, 0L), (end.Phase, end.Done, end.Failed));
    }
}
