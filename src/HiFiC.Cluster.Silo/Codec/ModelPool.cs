using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// Model compute on dedicated threads. Orleans runs grains on a small scheduler; a 2-second
/// forward pass there would starve every other grain of the silo (status calls, progress
/// reports), so all tensor work is queued here and awaited. One thread per model instance; they
/// compete for work, so the pool's size bounds the silo's concurrent compressions.
/// </summary>
public sealed class ModelPool : IDisposable
{
    private readonly BlockingCollection<Func<ModelSession, bool>> work = new();
    private readonly List<Thread> threads = [];
    private readonly object gate = new();
    private readonly ILogger<ModelPool> logger;
    private readonly int threadsPerInstance;
    private int size, started;
    private long waitTicks, jobs;
    // Busy time in Stopwatch ticks: finished jobs, plus the running ones so far (so a report
    // interval shorter than a job still sees the job's share, not 0 then 1).
    private readonly object busyGate = new();
    private long busyDone, runningCount, runningStartSum;

    /// <summary>Time model threads spent running jobs (the networks, with the entropy coding done per tile between them), summed over threads, running jobs included.</summary>
    public TimeSpan Busy
    {
        get
        {
            lock (busyGate)
                return Stopwatch.GetElapsedTime(0, busyDone + runningCount * Stopwatch.GetTimestamp() - runningStartSum);
        }
    }

    /// <summary>Time jobs waited for a free model thread (the pipeline's queue), summed over jobs.</summary>
    public TimeSpan QueueWait => TimeSpan.FromTicks(Interlocked.Read(ref waitTicks));

    /// <summary>Jobs started.</summary>
    public long Jobs => Interlocked.Read(ref jobs);

    /// <summary>Model instances (compute threads) the pool is sized to; after <see cref="Resize"/> the thread count follows within one item.</summary>
    public int Size { get { lock (gate) return size; } }

    public ModelPool(IOptions<ModelPoolOptions> options, ILogger<ModelPool> logger)
    {
        this.logger = logger;
        var o = options.Value;
        int threadsPer = threadsPerInstance = Math.Max(1, o.ThreadsPerInstance);
        int instances = o.Instances > 0 ? o.Instances : DefaultInstances(threadsPer, out var reason);
        // LibTorch's intra-op pool is process-wide: instances x threads should not exceed the cores.
        HiFiC.Codec.Networks.TorchRuntime.Configure(threadsPer);
        Resize(instances);
        logger.LogInformation("Model pool: {Instances} instance(s) x {Threads} thread(s)", instances, threadsPer);
        logger.LogInformation("TorchSharp Scalar quarantine {Status}", HiFiC.Codec.Networks.TorchScalarQuarantine.Status);
        logger.LogInformation("glibc malloc {Status}", HiFiC.Codec.Networks.MallocTuning.Status);
    }

    /// <summary>
    /// Sets the number of model instances at runtime (the silo's concurrency). Growing starts
    /// threads at once; shrinking queues one "retire" marker per extra thread behind the work
    /// already queued, so no running or queued item is dropped: a thread that takes a marker
    /// disposes its session and ends.
    /// </summary>
    public void Resize(int instances)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        lock (gate)
        {
            if (work.IsAddingCompleted) return; // disposed: the silo is going away
            for (; size < instances; size++)
            {
                int index = started++;
                var thread = new Thread(() => Run(index)) { IsBackground = true, Name = $"hific-model-{index}" };
                threads.Add(thread);
                thread.Start();
            }
            for (; size > instances; size--) work.Add(static _ => false);
            threads.RemoveAll(t => !t.IsAlive); // retired ones
        }
    }

    private static int DefaultInstances(int threadsPer, out string reason)
    {
        // On a GPU the networks run on HIFIC_DEVICE's device (default cuda:0): two instances, so
        // one's CPU work (image decoding, entropy coding, the integer hyper-synthesis) overlaps
        // the other's GPU work. One GPU per silo: a node with several runs one silo per GPU.
        if (HiFiC.Codec.Networks.TorchRuntime.OnGpu)
        {
            reason = "cuda";
            return 2;
        }
        reason = "cpu";
        return Math.Max(1, Environment.ProcessorCount / threadsPer);
    }

    /// <summary>Runs <paramref name="job"/> on a pool thread. Cancellation before it starts skips it; once started the job sees the token itself.</summary>
    public Task<T> RunAsync<T>(Func<ModelSession, CancellationToken, T> job, CancellationToken ct)
    {
        // Continuations must not run on the model thread: they would hold it while doing I/O.
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (ct.IsCancellationRequested) { tcs.SetCanceled(ct); return tcs.Task; }
        long queued = Stopwatch.GetTimestamp();
        work.Add(session =>
        {
            if (ct.IsCancellationRequested) { tcs.TrySetCanceled(ct); return true; }
            long start = Stopwatch.GetTimestamp();
            lock (busyGate) { runningCount++; runningStartSum += start; }
            var wait = Stopwatch.GetElapsedTime(queued, start);
            Interlocked.Add(ref waitTicks, wait.Ticks);
            Interlocked.Increment(ref jobs);
            Monitoring.HificMetrics.QueueWait(wait);
            try { tcs.TrySetResult(job(session, ct)); }
            catch (OperationCanceledException e) when (ct.IsCancellationRequested) { tcs.TrySetCanceled(e.CancellationToken); }
            catch (Exception e) { tcs.TrySetException(e); }
            finally
            {
                long end = Stopwatch.GetTimestamp();
                lock (busyGate) { runningCount--; runningStartSum -= start; busyDone += end - start; }
                Monitoring.HificMetrics.ModelBusy(Stopwatch.GetElapsedTime(start, end));
            }
            return true;
        }, ct);
        return tcs.Task;
    }

    private void Run(int index)
    {
        // LibTorch's OpenMP team size is per thread, taken from the process-wide setting at the
        // thread's first parallel op; anything else in the process that set another count before
        // then (an embedded runner, a test) would leave this thread with it. Reduction order, and so
        // the last bit of a decoded pixel, follows the team size: pin it to this pool's setting.
        torch.set_num_threads(threadsPerInstance);
        using var session = new ModelSession(index);
        try
        {
            foreach (var item in work.GetConsumingEnumerable())
                if (!item(session)) return; // retired by Resize
        }
        catch (ObjectDisposedException) { /* pool disposed */ }
        catch (Exception e) { logger.LogCritical(e, "Model thread {Index} died", index); }
    }

    public void Dispose()
    {
        work.CompleteAdding();
        Thread[] all;
        lock (gate) all = threads.ToArray();
        foreach (var t in all) t.Join(TimeSpan.FromSeconds(30));
        work.Dispose();
    }
}
