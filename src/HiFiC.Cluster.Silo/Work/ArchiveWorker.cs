using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// The silo's consumer loops. They start when the silo becomes active (grain calls work from
/// then on) and stop before it leaves; on a crash they simply vanish and the queue's visibility
/// timeout returns their items to the other silos.
/// </summary>
public sealed class ArchiveWorker(
    IWorkQueue queue, ItemProcessor processor, ProgressReporter reporter, ModelPool pool,
    IOptions<WorkerOptions> workerOptions, IOptions<WorkQueueOptions> queueOptions, ILogger<ArchiveWorker> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource stop = new();
    private Task[] loops = [];

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ArchiveWorker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        var o = workerOptions.Value;
        if (!o.Enabled) return Task.CompletedTask;
        reporter.Start();
        int n = o.Consumers > 0 ? o.Consumers : pool.Size + 1;
        loops = Enumerable.Range(0, n).Select(i => Task.Run(() => ConsumeAsync(i, stop.Token))).ToArray();
        logger.LogInformation("{Consumers} consumer loop(s) on queue {Queue}", n, queueOptions.Value.Name);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken ct)
    {
        stop.Cancel();
        try { await Task.WhenAll(loops).WaitAsync(ct); } catch (OperationCanceledException) { }
        // A graceful stop hands in what is finished; after a kill (ct already cancelled) the queue redelivers instead.
        if (!ct.IsCancellationRequested)
        {
            try { await reporter.FlushAsync(ct); } catch (Exception e) { logger.LogWarning("Final progress flush failed: {Error}", e.Message); }
        }
        await reporter.StopAsync();
    }

    private async Task ConsumeAsync(int index, CancellationToken ct)
    {
        var visibility = queueOptions.Value.VisibilityTimeout;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var leases = await queue.ReceiveAsync(1, visibility, ct);
                if (leases.Count == 0)
                {
                    await queue.WaitForItemsAsync(workerOptions.Value.PollInterval, ct);
                    continue;
                }
                foreach (var lease in leases)
                {
                    try { await processor.ProcessAsync(lease, ct); }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        // Not the item's fault (the coordinator is unreachable while its silo dies):
                        // put it back without counting an attempt, or a silo's death would poison items.
                        logger.LogWarning("Consumer {Index}: {Path} put back: {Error}", index, lease.Item.SourcePath, e.Message);
                        await queue.ReleaseAsync(lease, workerOptions.Value.PollInterval, countsAsAttempt: false, ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // Typically the coordinator being unreachable while its silo dies: wait and go on.
                logger.LogWarning("Consumer {Index}: {Error}", index, e.Message);
                try { await Task.Delay(workerOptions.Value.PollInterval, ct); } catch (OperationCanceledException) { break; }
            }
        }
    }
}
