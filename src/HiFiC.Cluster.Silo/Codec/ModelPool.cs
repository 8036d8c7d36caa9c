using System.Collections.Concurrent;
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
    private readonly Thread[] threads;
    private readonly ILogger<ModelPool> logger;

    public int Size => threads.Length;

    public ModelPool(IOptions<ModelPoolOptions> options, ILogger<ModelPool> logger)
    {
        this.logger = logger;
        var o = options.Value;
        int threadsPer = Math.Max(1, o.ThreadsPerInstance);
        int instances = o.Instances > 0 ? o.Instances : DefaultInstances(threadsPer, out var reason);
        // LibTorch's intra-op pool is process-wide: instances x threads should not exceed the cores.
        HiFiC.Codec.Model.TorchRuntime.Configure(threadsPer);
        threads = new Thread[instances];
        for (int i = 0; i < instances; i++)
        {
            int index = i;
            threads[i] = new Thread(() => Run(index)) { IsBackground = true, Name = $"hific-model-{i}" };
            threads[i].Start();
        }
        logger.LogInformation("Model pool: {Instances} instance(s) x {Threads} thread(s)", instances, threadsPer);
    }

    private static int DefaultInstances(int threadsPer, out string reason)
    {
        // The codec computes on the CPU today; when CUDA is present the pool is still sized one per
        // device, which is what a CUDA build of the codec will want.
        if (torch.cuda.is_available())
        {
            reason = "cuda";
            return Math.Max(1, torch.cuda.device_count());
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
        work.Add(session =>
        {
            if (ct.IsCancellationRequested) { tcs.TrySetCanceled(ct); return true; }
            try { tcs.TrySetResult(job(session, ct)); }
            catch (OperationCanceledException e) when (ct.IsCancellationRequested) { tcs.TrySetCanceled(e.CancellationToken); }
            catch (Exception e) { tcs.TrySetException(e); }
            return true;
        }, ct);
        return tcs.Task;
    }

    private void Run(int index)
    {
        using var session = new ModelSession(index);
        try
        {
            foreach (var item in work.GetConsumingEnumerable())
                item(session);
        }
        catch (ObjectDisposedException) { /* pool disposed */ }
        catch (Exception e) { logger.LogCritical(e, "Model thread {Index} died", index); }
    }

    public void Dispose()
    {
        work.CompleteAdding();
        foreach (var t in threads) t.Join(TimeSpan.FromSeconds(30));
        work.Dispose();
    }
}
