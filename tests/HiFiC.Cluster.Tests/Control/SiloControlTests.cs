using HiFiC.Cluster.Contracts.Control;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Control;

/// <summary>
/// Runtime controls of one silo (<see cref="ISiloControlGrain"/>, activated on the silo its key
/// names) on a 2-silo cluster in one process: the case where a control landing on the wrong silo,
/// or counters kept per process, would show.
/// </summary>
public sealed class SiloControlTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private JobSpec Spec(string src, string dst) =>
        new() { Source = src, Destination = dst, Rate = 1, TileSize = 64, MaxAttempts = 3, SplitAbovePixels = TestImages.SplitThreshold };

    [Fact]
    public async Task A_drained_silo_takes_no_items_counters_are_per_silo_and_concurrency_changes_mid_job_lose_nothing()
    {
        var client = fx.Cluster.Client;
        var (a, b) = (fx.Cluster.Silos[0], fx.Cluster.Silos[1]);
        var controlA = client.GetGrain<ISiloControlGrain>(a.SiloAddress.ToString());
        var controlB = client.GetGrain<ISiloControlGrain>(b.SiloAddress.ToString());
        var countersA = a.ServiceProvider.GetRequiredService<SiloCounters>();
        var countersB = b.ServiceProvider.GetRequiredService<SiloCounters>();
        try
        {
            var drained = await controlA.DrainAsync();
            Assert.Equal((a.SiloAddress.ToString(), false), (drained.Silo, drained.Accepting));
            Assert.False(a.ServiceProvider.GetRequiredService<WorkIntake>().Accepting);
            var other = await controlB.GetAsync();
            Assert.Equal((b.SiloAddress.ToString(), true, 1, 2), (other.Silo, other.Accepting, other.Concurrency, other.Consumers));

            long doneA = countersA.Done, doneB = countersB.Done;
            var src = temp.Sub("src");
            TestImages.WriteFolder(src, 8, withBadFiles: false);
            var job = client.GetGrain<IArchiveJobGrain>($"drain-{Guid.NewGuid():N}");
            await job.StartAsync(Spec(src, temp.Sub("dst1")));
            var status = await job.WaitForEndAsync(Timeout);
            Assert.True(status is { Phase: JobPhase.Done, Done: 8 }, JobWaits.Describe(status));
            // Every item went to the silo that takes work; the drained one did none (its coordinator, if any, still ran).
            Assert.Equal((0L, 8L), (countersA.Done - doneA, countersB.Done - doneB));

            // The cluster view gets each silo's own totals, not its process's.
            var stats = client.GetGrain<IClusterStatsGrain>(0);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<SiloStats> reported;
            do
            {
                await Task.Delay(200);
                reported = await stats.GetSilosAsync();
                // Both silos' reports must have arrived (on a loaded machine a's can lag b's).
            } while ((reported.FirstOrDefault(s => s.Silo == b.SiloAddress.ToString())?.ItemsDone != countersB.Done
                      || reported.All(s => s.Silo != a.SiloAddress.ToString())) && clock.Elapsed < TimeSpan.FromSeconds(30));
            var (reportA, reportB) = (reported.Single(s => s.Silo == a.SiloAddress.ToString()), reported.Single(s => s.Silo == b.SiloAddress.ToString()));
            Assert.Equal((countersA.Done, false), (reportA.ItemsDone, reportA.Accepting));
            Assert.Equal((countersB.Done, true), (reportB.ItemsDone, reportB.Accepting));

            // Concurrency up, then down again while a job runs: retired loops and model threads finish what they hold.
            var up = await controlB.SetConcurrencyAsync(3);
            Assert.Equal((3, 4), (up.Concurrency, up.Consumers));
            Assert.Equal(3, b.ServiceProvider.GetRequiredService<ModelPool>().Size);
            var job2 = client.GetGrain<IArchiveJobGrain>($"resize-{Guid.NewGuid():N}");
            await job2.StartAsync(Spec(src, temp.Sub("dst2")));
            await job2.WaitAsync(s => s.Done >= 2, Timeout);
            var down = await controlB.SetConcurrencyAsync(1);
            Assert.Equal((1, 2), (down.Concurrency, down.Consumers));
            var status2 = await job2.WaitForEndAsync(Timeout);
            Assert.True(status2 is { Phase: JobPhase.Done, Done: 8, Failed: 0 }, JobWaits.Describe(status2));
            Assert.Equal(1, b.ServiceProvider.GetRequiredService<ModelPool>().Size);

            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => controlB.SetConcurrencyAsync(0));
            // A silo that is not a member cannot be controlled (the call must not land on another silo).
            await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<ISiloControlGrain>("S127.0.0.1:1:1").GetAsync());
        }
        finally
        {
            await controlA.UndrainAsync();
            await controlB.SetConcurrencyAsync(1);
        }
        Assert.True((await controlA.GetAsync()).Accepting);
    }
}
