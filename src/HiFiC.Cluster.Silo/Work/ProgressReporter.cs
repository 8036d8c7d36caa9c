using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// Collects outcomes from this silo's consumers and sends them to each job's coordinator in
/// batches. A message is settled (completed in the queue) only after the coordinator has saved
/// the outcome: if this silo dies first, the queue redelivers and the coordinator counts the
/// redelivery instead. A failed report is retried; the messages' leases are renewed meanwhile
/// by nobody, so a long outage ends in redelivery, which is harmless.
/// </summary>
public sealed class ProgressReporter : IAsyncDisposable
{
    /// <summary>Queue completions in flight at once during a flush.</summary>
    private const int SettleParallelism = 16;

    private sealed record Pending(string JobId, ItemOutcome Outcome, WorkLease? Settle);

    private readonly IGrainFactory grains;
    private readonly IWorkQueue queue;
    private readonly WorkerOptions options;
    private readonly ILogger<ProgressReporter> logger;
    private readonly string reporter;
    private readonly object gate = new();
    private List<Pending> pending = [];
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private bool stopped;

    public ProgressReporter(IGrainFactory grains, IWorkQueue queue, IOptions<WorkerOptions> options, ILogger<ProgressReporter> logger)
    {
        this.grains = grains; this.queue = queue; this.options = options.Value; this.logger = logger;
        reporter = $"{Environment.MachineName}/{Guid.NewGuid():N}";
    }

    /// <summary>Reports sent so far (for the throughput measurement).</summary>
    public long BatchesSent { get; private set; }

    public void Start() => loop ??= Task.Run(() => RunAsync(stop.Token));

    /// <summary>Queues an outcome; <paramref name="settle"/> is completed in the queue once the coordinator has it.</summary>
    public void Post(string jobId, ItemOutcome outcome, WorkLease? settle = null)
    {
        int count;
        lock (gate)
        {
            pending.Add(new Pending(jobId, outcome, settle));
            count = pending.Count;
        }
        if (count >= options.ProgressBatchSize) wake.Release();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await wake.WaitAsync(options.ProgressInterval, ct); }
            catch (OperationCanceledException) { break; }
            await FlushAsync(ct);
        }
    }

    /// <summary>Sends everything waiting. Outcomes whose report failed stay for the next flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        List<Pending> batch;
        lock (gate)
        {
            if (pending.Count == 0) return;
            batch = pending;
            pending = [];
        }
        var retry = new List<Pending>();
        foreach (var job in batch.GroupBy(p => p.JobId))
        {
            var items = job.ToList();
            try
            {
                await grains.GetGrain<IArchiveJobGrain>(job.Key)
                    .ReportProgressAsync(new ProgressBatch(reporter, items.Select(p => p.Outcome).ToList()));
                BatchesSent++;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The coordinator's silo may be dying; its next activation takes the retry.
                logger.LogWarning("Progress report for job {Job} failed ({Error}); retrying", job.Key, e.Message);
                retry.AddRange(items);
                continue;
            }
            // The coordinator has saved them all: settle the messages a few at a time (one queue round
            // trip each: one after another, a batch of 128 held up the next flush for 128 round trips).
            await Parallel.ForEachAsync(items.Where(p => p.Settle is not null), new ParallelOptions { MaxDegreeOfParallelism = SettleParallelism },
                async (p, _) =>
                {
                    try { await queue.CompleteAsync(p.Settle!, ct); }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        logger.LogWarning("Completing {Path} failed ({Error}); it will be redelivered and counted once", p.Outcome.SourcePath, e.Message);
                    }
                });
        }
        if (retry.Count > 0)
        {
            lock (gate) pending.InsertRange(0, retry);
            try { await Task.Delay(options.ProgressInterval, ct); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Stops the flush loop (idempotent). Pending outcomes stay unsent: their messages will be redelivered.</summary>
    public async Task StopAsync()
    {
        Task? running;
        lock (gate)
        {
            if (stopped) return;
            stopped = true;
            running = loop;
        }
        stop.Cancel();
        if (running is not null) { try { await running; } catch (OperationCanceledException) { } }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }
}
