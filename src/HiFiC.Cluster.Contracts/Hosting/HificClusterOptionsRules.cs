using HiFiC.Cluster.Contracts.Validation;

namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>The checks on "HiFiC:Cluster", made when a silo or client is configured (before Orleans starts).</summary>
public static class HificClusterOptionsRules
{
    public static void Check(HificClusterOptions o) => new OptionRules(HificClusterOptions.Section)
        .OneOf(nameof(o.Clustering), o.Clustering, "Localhost", "AzureTable")
        .NotEmpty(nameof(o.ServiceId), o.ServiceId)
        .NotEmpty(nameof(o.ClusterId), o.ClusterId)
        .Between(nameof(o.SiloPort), o.SiloPort, 0, 65535)
        .Between(nameof(o.GatewayPort), o.GatewayPort, 0, 65535)
        .Between(nameof(o.PrimarySiloPort), o.PrimarySiloPort, 0, 65535)
        .Require(o.GatewayPorts.All(p => p is > 0 and <= 65535), $"GatewayPorts must be ports in 1..65535 (got {string.Join(", ", o.GatewayPorts)}).")
        .ThrowIfInvalid();
}
