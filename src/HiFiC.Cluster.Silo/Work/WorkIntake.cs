namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// The silo's one "accepting work" switch. Consumer loops wait here before they take an item, so
/// closing it stops new items at once while items already taken finish and are reported
/// normally. Drain/undrain (the dashboard's silo controls) open and close it; anything else that
/// must stop intake (a graceful shutdown) should close it too rather than add a second switch.
/// </summary>
public sealed class WorkIntake
{
    private readonly object gate = new();
    private TaskCompletionSource opened = NewOpen(completed: true);

    public bool Accepting { get { lock (gate) return opened.Task.IsCompleted; } }

    /// <summary>Stop taking new items. Returns false when it was already closed.</summary>
    public bool Close()
    {
        lock (gate)
        {
            if (!opened.Task.IsCompleted) return false;
            opened = NewOpen(completed: false);
            return true;
        }
    }

    /// <summary>Take items again. Returns false when it was already open.</summary>
    public bool Open()
    {
        lock (gate)
        {
            return opened.TrySetResult();
        }
    }

    /// <summary>Completes when intake is open (at once if it is).</summary>
    public Task WaitOpenAsync(CancellationToken ct)
    {
        Task open;
        lock (gate) open = opened.Task;
        return open.IsCompleted ? Task.CompletedTask : open.WaitAsync(ct);
    }

    private static TaskCompletionSource NewOpen(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) tcs.SetResult();
        return tcs;
    }
}
