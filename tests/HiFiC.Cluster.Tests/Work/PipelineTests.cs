using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Work;

/// <summary>
/// The bounded pipeline around each model instance (issue 21): (1 + PipelineDepth) consumer loops
/// per instance, following the concurrency, with every item archived once; and the pool's own
/// accounting of busy time and of the wait for a free instance, which the busy share is made of.
/// </summary>
public sealed class PipelineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Each_model_instance_gets_its_own_pipeline_loops_and_every_item_is_archived_once()
    {
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            // The default sizing (Consumers 0), not the fixed two loops of the other cluster tests.
            Configure = s => s.Configure<WorkerOptions>(o => { o.Consumers = 0; o.PipelineDepth = 1; }),
        };
        var cluster = await factory.StartAsync(1);
        try
        {
            var silo = cluster.Silos[0].ServiceProvider;
            var worker = silo.GetRequiredService<ArchiveWorker>();
            Assert.Equal((1, 2), (worker.Concurrency, worker.Consumers));
            worker.SetConcurrency(2);
            Assert.Equal((2, 4), (worker.Concurrency, worker.Consumers));

            var src = temp.Sub("src");
            TestImages.WriteFolder(src, 6, withBadFiles: false);
            var job = cluster.Client.GetGrain<IArchiveJobGrain>($"pipeline-{Guid.NewGuid():N}");
            await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 3 });
            // Down to one instance while items are in the pipeline: retired loops finish what they hold.
            await job.WaitAsync(s => s.Done >= 1, Timeout);
            worker.SetConcurrency(1);
            Assert.Equal(2, worker.Consumers);
            var status = await job.WaitForEndAsync(Timeout);
            Assert.True(status is { Phase: JobPhase.Done, Done: 6, Failed: 0, DuplicateReports: 0 }, JobWaits.Describe(status));
            Assert.Equal(6, Directory.GetFiles(temp.Sub("dst"), "*.hific", SearchOption.AllDirectories).Length);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_consumer_receiving_several_messages_at_once_archives_every_item_once()
    {
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            // One loop taking four messages per receive: the batch's items are worked on together.
            Configure = s => s.Configure<WorkerOptions>(o => { o.Consumers = 1; o.ReceiveBatch = 4; }),
        };
        var cluster = await factory.StartAsync(1);
        try
        {
            Assert.Equal(1, cluster.Silos[0].ServiceProvider.GetRequiredService<ArchiveWorker>().Consumers);
            var src = temp.Sub("src");
            TestImages.WriteFolder(src, 9, withBadFiles: false);
            var job = cluster.Client.GetGrain<IArchiveJobGrain>($"batch-{Guid.NewGuid():N}");
            await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 3 });
            var status = await job.WaitForEndAsync(Timeout);
            Assert.True(status is { Phase: JobPhase.Done, Done: 9, Failed: 0, DuplicateReports: 0 }, JobWaits.Describe(status));
            Assert.Equal(9, Directory.GetFiles(temp.Sub("dst"), "*.hific", SearchOption.AllDirectories).Length);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public void ReceiveBatch_outside_one_to_thirty_two_is_refused_naming_the_key()
    {
        var validator = new WorkerOptionsValidator();
        Assert.True(validator.Validate(null, new WorkerOptions { ReceiveBatch = 32 }).Succeeded);
        foreach (var bad in new[] { 0, 33 })
        {
            var result = validator.Validate(null, new WorkerOptions { ReceiveBatch = bad });
            Assert.True(result.Failed);
            Assert.Contains("HiFiC:Worker:ReceiveBatch", result.FailureMessage);
        }
    }

    [Fact]
    public async Task The_pool_counts_a_running_job_as_busy_and_the_time_a_job_waits_behind_it()
    {
        using var pool = new ModelPool(Options.Create(new ModelPoolOptions { Instances = 1, ThreadsPerInstance = TestClusterFactory.ThreadsPerInstance }),
            NullLogger<ModelPool>.Instance);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = pool.RunAsync((_, _) => { started.Set(); release.Wait(); return 1; }, CancellationToken.None);
        var second = pool.RunAsync((_, _) => 2, CancellationToken.None);
        Assert.True(started.Wait(Timeout), "the first job did not start");

        // Busy before the job ends (a report interval shorter than a job still sees it), and the second job still waits.
        var busy = await Poll.UntilAsync(() => pool.Busy, b => b > TimeSpan.Zero, Timeout, "busy time of a running job");
        Assert.Equal(1, pool.Jobs);
        release.Set();
        Assert.Equal((1, 2), (await first, await second));
        Assert.Equal(2, pool.Jobs);
        Assert.True(pool.Busy >= busy);
        // The second job waited at least while the first held the only instance.
        Assert.True(pool.QueueWait > TimeSpan.Zero);
    }
}
