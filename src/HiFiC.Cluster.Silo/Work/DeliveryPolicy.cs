using HiFiC.Cluster.Silo.Queue;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// What a delivery counts for. Checked before an item is worked on, so an item whose processing
/// kills the process (and so never reaches a catch block) is still poisoned after MaxAttempts
/// deliveries instead of taking a silo down every visibility timeout, forever.
/// </summary>
public static class DeliveryPolicy
{
    /// <summary>Why this delivery must not be worked on, or null. Every earlier delivery ended without an outcome or with a retry.</summary>
    public static string? PoisonReason(WorkLease lease) =>
        lease.DeliveryCount > lease.Item.MaxAttempts
            ? $"poisoned: delivered {lease.DeliveryCount} times, {lease.Item.MaxAttempts} attempt(s) allowed, none finished (the process working on it may have crashed or been killed each time)"
            : null;

    /// <summary>
    /// True for failures that say nothing about the item: the coordinator (a grain) is unreachable
    /// while its silo dies or moves. Everything else (storage errors included) is an attempt.
    /// </summary>
    public static bool IsCoordinatorUnreachable(Exception e) =>
        e is OrleansException or TimeoutException || e.InnerException is { } inner && IsCoordinatorUnreachable(inner);
}
