namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// A queue that can count one job's messages exactly (the in-process one). Coordinators use it to
/// see lost items even when other jobs share the queue; remote queues only count all messages.
/// </summary>
public interface IJobCountingQueue
{
    /// <summary>Messages of <paramref name="jobId"/> in the queue, visible or not.</summary>
    Task<long> CountAsync(string jobId, CancellationToken ct);
}
