namespace HiFiC.Cluster.Silo.Queue.ServiceBus;

/// <summary>Bound from "HiFiC:ServiceBus" (queue provider "ServiceBus"; the queue name is HiFiC:Queue:Name).</summary>
public sealed class ServiceBusQueueOptions
{
    public const string Section = "HiFiC:ServiceBus";

    public string? ConnectionString { get; set; }
}
