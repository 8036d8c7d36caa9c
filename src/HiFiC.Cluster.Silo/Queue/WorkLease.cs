using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// A received item. DeliveryCount counts attempts (starting at 1); Receipt identifies this
/// delivery (a later redelivery, or for some providers an update, gets a new one). Uncounted is
/// the provider's record of deliveries that were not attempts (brokers only count up).
/// </summary>
public sealed record WorkLease(WorkItem Item, int DeliveryCount, string MessageId, string Receipt)
{
    public int Uncounted { get; init; }
}
