using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// Issue 17.6 on an in-process cluster: items the queue lost come back from the coordinator, and a
/// lease renewal that fails once does not hand a working item to a second silo.
/// </summary>
public sealed class QueueRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_paused_job_whose_queued_items_were_lost_resumes_with_all_its_items_and_archives_each_once()
    {
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state") };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 12, withBadFiles: false);
        factory.Knobs.Delay = TimeSpan.FromMilliseconds(150);

        var job = cluster.Client.GetGrain<IArchiveJobGrain>("lost-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 64, MaxAttempts = 3 });
        await job.WaitAsync(s => s.Done >= 2 && s.ListingComplete, TimeSpan.FromSeconds(60));
        var paused = await job.PauseAsync();

        // What a queue does to messages that outlive their time-to-live (or a process restart does to
        // an in-process queue): they are gone. Take every message of the job out, unanswered.
        var queue = factory.Hub.Get(new WorkQueueOptions().Name);
        int removed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await queue.CountAsync(default) > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var lease in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5), default))
                if (await queue.CompleteAsync(lease, default)) removed++;
            await Task.Delay(50);
        }
        Assert.Equal(0, await queue.CountAsync(default));
        output.WriteLine($"paused at {JobWaits.Describe(paused)}; removed {removed} message(s)");
        Assert.True(removed > 0, "nothing was left to lose");

        await job.ResumeAsync();
        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(JobWaits.Describe(end));
        Assert.Equal((JobPhase.Done, 12L, 0L), (end.Phase, end.Done, end.Failed));
        foreach (var g in good) Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest(g))), g);
        Assert.Equal(2 * good.Count, ArchiveFiles.List(dst).Count);
    }

    [Fact]
    public async Task A_lease_renewal_that_fails_once_is_retried_and_the_item_is_worked_on_once()
    {
        FlakyRenewQueue? flaky = null;
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            Visibility = TimeSpan.FromSeconds(4),
            Configure = s => s.AddSingleton<IWorkQueue>(sp =>
                flaky = new FlakyRenewQueue(sp.GetRequiredService<InProcessQueueHub>().Get(new WorkQueueOptions().Name)) { RenewFailuresLeft = 1 }),
        };
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        TestImages.WriteFolder(src, 1, withBadFiles: false);
        // Several visibility timeouts long: the lease must be renewed, and the first renewal fails.
        factory.Knobs.Delay = TimeSpan.FromSeconds(10);

        var job = cluster.Client.GetGrain<IArchiveJobGrain>("renew-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 64, MaxAttempts = 3 });
        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"{JobWaits.Describe(end)}; renewal failures {flaky?.RenewFailures}; compressions {factory.Knobs.Compressions}");

        Assert.Equal((JobPhase.Done, 1L, 0L), (end.Phase, end.Done, end.Failed));
        Assert.Equal(1, flaky!.RenewFailures);
        // Given up on after one error, the lease would have expired and the second consumer taken the item.
        Assert.Equal(1, factory.Knobs.Compressions);
        Assert.Equal(0L, end.DuplicateReports);
    }
}
