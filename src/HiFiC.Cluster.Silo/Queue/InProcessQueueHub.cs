using System.Collections.Concurrent;

namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// Named in-process queues. Silos in one process (the embedded host, or a TestingHost cluster)
/// that share a hub share their queues, which is what makes them compete like silos on an
/// external queue; a silo's death does not take the queue with it.
/// </summary>
public sealed class InProcessQueueHub
{
    /// <summary>The process-wide hub used when none is registered.</summary>
    public static InProcessQueueHub Shared { get; } = new();

    private readonly ConcurrentDictionary<string, InProcessWorkQueue> queues = new(StringComparer.Ordinal);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public InProcessWorkQueue Get(string name) => queues.GetOrAdd(name, _ => new InProcessWorkQueue(Time));
}
