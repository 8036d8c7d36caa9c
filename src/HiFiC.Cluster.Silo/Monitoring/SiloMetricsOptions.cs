namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>Bound from "HiFiC:Metrics": the silo's own Prometheus endpoint (a silo has no web stack).</summary>
public sealed class SiloMetricsOptions
{
    public const string Section = "HiFiC:Metrics";

    /// <summary>
    /// Port of the silo's Prometheus scrape endpoint (http://*:Port/metrics, meter "HiFiC.Cluster"
    /// and the .NET runtime's own "System.Runtime" meter). 0 = no endpoint.
    /// </summary>
    public int Port { get; set; }
}
