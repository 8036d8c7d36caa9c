using System.Collections.Concurrent;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>Faults and delays the tests inject into every silo's codec (shared by all silos of a cluster).</summary>
public sealed class CodecKnobs
{
    /// <summary>Added to every compression: keeps a job running long enough to pause, cancel or kill a silo mid-way.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Transient faults to throw, keyed by the input's size in bytes (a codec never sees file names); -1 = always.</summary>
    public ConcurrentDictionary<long, int> FailuresLeftBySize { get; } = new();

    public int Compressions;

    /// <summary>Added to every restore, cancellably: a restore that only ends when its token fires.</summary>
    public TimeSpan RestoreDelay { get; set; }

    /// <summary>Completes when a delayed restore has begun.</summary>
    public TaskCompletionSource RestoreStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a delayed restore's token fired (the caller cancelled, or its time limit passed).</summary>
    public TaskCompletionSource RestoreCancelled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Reset()
    {
        Delay = TimeSpan.Zero;
        FailuresLeftBySize.Clear();
        Compressions = 0;
        RestoreDelay = TimeSpan.Zero;
        RestoreStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        RestoreCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
