using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// The silo's consumer loops. They start when the silo becomes active (grain calls work from
/// then on) and stop before it leaves; on a crash they simply vanish and the queue's visibility
/// timeout returns their items to the other silos. Their number follows the silo's concurrency
/// (<see cref="SetConcurrency"/>, at runtime) and they take items only while <see cref="WorkIntake"/>
/// is open (drain).
/// </summary>
public sealed class ArchiveWorker(
    IWorkQueue queue, ItemProcessor processor, ProgressReporter reporter, ModelPool pool, WorkIntake intake,
    IOptions<WorkerOptions> workerOptions, IOptions<WorkQueueOptions> queueOptions, ILogger<ArchiveWorker> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource stop = new();
    private readonly object gate = new();
    private readonly List<Consumer> active = [];
    private readonly List<Task> loops = [];
    private int prefetch = 1, nextIndex;
    private bool running, perInstance;

    /// <summary>Consumer loops taking items (loops retired by a lower concurrency finish their item and are not counted).</summary>
    public int Consumers { get { lock (gate) return active.Count; } }

    /// <summary>Items compressed at once: the model pool's size.</summary>
    public int Concurrency => pool.Size;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ArchiveWorker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        var o = workerOptions.Value;
        if (!o.Enabled) return Task.CompletedTask;
        reporter.Start();
        int n;
        lock (gate)
        {
            // The bounded pipeline: each consumer loop carries one item from fetch to commit, and the
            // model pool's queue is the hand-off to the networks, so loops beyond the instances fetch
            // and decode the next items, and write the last ones, while the networks run. A loop
            // receives only when it is free: that is the backpressure, and the bound on leases held.
            perInstance = o.Consumers == 0;
            prefetch = perInstance ? o.PipelineDepth : Math.Max(0, o.Consumers - pool.Size);
            n = perInstance ? LoopsFor(pool.Size) : o.Consumers;
            running = true;
            SetLoops(n);
        }
        logger.LogInformation("{Consumers} consumer loop(s) on queue {Queue}", n, queueOptions.Value.Name);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sets the silo's concurrency at runtime: model instances, and consumer loops to match (plus the
    /// configured prefetch). Loops beyond the new number finish the item they hold, then end.
    /// </summary>
    public void SetConcurrency(int instances)
    {
        pool.Resize(instances);
        int loopsNow;
        lock (gate)
        {
            if (running) SetLoops(LoopsFor(instances));
            loopsNow = active.Count;
        }
        logger.LogInformation("Concurrency set to {Instances} model instance(s), {Consumers} consumer loop(s)", instances, loopsNow);
    }

    private int LoopsFor(int instances) => perInstance ? instances * (1 + prefetch) : instances + prefetch;

    private void SetLoops(int n)
    {
        n = Math.Max(1, n);
        while (active.Count < n)
        {
            var consumer = new Consumer(nextIndex++);
            active.Add(consumer);
            loops.Add(Task.Run(() => ConsumeAsync(consumer, stop.Token)));
        }
        while (active.Count > n)
        {
            active[^1].Retired = true;
            active.RemoveAt(active.Count - 1);
        }
        loops.RemoveAll(t => t.IsCompleted);
    }

    private async Task StopAsync(CancellationToken ct)
    {
        Task[] all;
        lock (gate)
        {
            running = false;
            all = loops.ToArray();
        }
        intake.Close(); // the cluster view shows a stopping silo as not accepting
        stop.Cancel();
        try { await Task.WhenAll(all).WaitAsync(ct); } catch (OperationCanceledException) { }
        // A graceful stop hands in what is finished; after a kill (ct already cancelled) the queue redelivers instead.
        if (!ct.IsCancellationRequested)
        {
            try { await reporter.FlushAsync(ct); } catch (Exception e) { logger.LogWarning("Final progress flush failed: {Error}", e.Message); }
        }
        await reporter.StopAsync();
    }

    private async Task ConsumeAsync(Consumer consumer, CancellationToken ct)
    {
        var visibility = queueOptions.Value.VisibilityTimeout;
        var poll = workerOptions.Value.PollInterval;
        var batch = workerOptions.Value.ReceiveBatch;
        while (!ct.IsCancellationRequested && !consumer.Retired)
        {
            try
            {
                if (!intake.Accepting)
                {
                    // Drained: wake at least every poll interval, so a retired loop still ends.
                    await Task.WhenAny(intake.WaitOpenAsync(ct), Task.Delay(poll, ct));
                    continue;
                }
                var leases = await queue.ReceiveAsync(batch, visibility, ct);
                if (leases.Count == 0)
                {
                    await queue.WaitForItemsAsync(poll, ct);
                    continue;
                }
                // The items of one receive are worked on together: their storage round trips overlap,
                // and the model pool still runs one network per instance.
                await Task.WhenAll(leases.Select(lease => HandleAsync(consumer, lease, ct)));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // Typically the coordinator being unreachable while its silo dies: wait and go on.
                logger.LogWarning("Consumer {Index}: {Error}", consumer.Index, e.Message);
                try { await Task.Delay(poll, ct); } catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>One received item, from the intake and poison checks to the processor; a failure puts it back.</summary>
    private async Task HandleAsync(Consumer consumer, WorkLease lease, CancellationToken ct)
    {
        var poll = workerOptions.Value.PollInterval;
        if (!intake.Accepting)
        {
            // Drained (or stopping) while receiving: the item has not started, so it goes straight
            // back, no attempt spent; not cancellable, or a stopping silo would leave it leased.
            await queue.ReleaseAsync(lease, TimeSpan.Zero, countsAsAttempt: false, CancellationToken.None);
            return;
        }
        if (DeliveryPolicy.PoisonReason(lease) is { } poison)
        {
            // Checked before any work: the earlier deliveries never reported (their process died).
            logger.LogWarning("Item {Path} of job {Job} is poison: {Reason}", lease.Item.SourcePath, lease.Item.JobId, poison);
            reporter.Post(lease.Item.JobId, new ItemOutcome(lease.Item.Key, OutcomeKind.Failed, Reason: poison, Attempts: lease.DeliveryCount - 1), lease);
            return;
        }
        logger.LogInformation("Item {Path} of job {Job}: delivery {Delivery} of at most {Max}", lease.Item.Key, lease.Item.JobId, lease.DeliveryCount, lease.Item.MaxAttempts);
        try { await processor.ProcessAsync(lease, ct); }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A coordinator unreachable while its silo dies is not the item's fault: no
            // attempt spent, or a silo's death would poison items. Anything else (storage,
            // the queue) counts, so a failure outside the codec cannot loop forever.
            bool counts = !DeliveryPolicy.IsCoordinatorUnreachable(e);
            logger.LogWarning("Consumer {Index}: {Path} put back ({Counts}): {Error}", consumer.Index, lease.Item.SourcePath,
                counts ? "an attempt" : "not an attempt", e.Message);
            if (counts) Monitoring.HificMetrics.ItemRetried();
            await queue.ReleaseAsync(lease, counts ? workerOptions.Value.RetryDelay * lease.DeliveryCount : poll, countsAsAttempt: counts, ct);
        }
    }

    /// <summary>One consumer loop; a retired one ends after the items it holds.</summary>
    private sealed class Consumer(int index)
    {
        public int Index { get; } = index;
        public volatile bool Retired;
    }
}
