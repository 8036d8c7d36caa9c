using Azure.Data.Tables;
using System.Net;
using System.Net.Sockets;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Contracts.Hosting;
using HiFiC.Cluster.Silo.Hosting.Tls;
using HiFiC.Cluster.Silo.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace HiFiC.Cluster.Silo.Hosting;

/// <summary>
/// A silo of a running cluster, wired from configuration (<see cref="HificClusterOptions"/>
/// under "HiFiC:Cluster", the archive's own options under "HiFiC:*"): `hific silo` uses it. Its
/// clients (`hific job`, the web host in client mode) are wired by the contracts' <see cref="HificClient"/>;
/// one-process silos (`hific archive`, `hific web`) by <see cref="HificSingleSilo"/>.
/// Membership timings bind from "HiFiC:Cluster:Membership" (Orleans' ClusterMembershipOptions).
/// </summary>
public static class HificClusterHosting
{
    /// <summary>Clustering, endpoints, job storage, reminders and the archive services of one silo.</summary>
    public static ISiloBuilder UseHificCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var o = HificClient.ReadClusterOptions(configuration);
        int siloPort = o.SiloPort > 0 ? o.SiloPort : LoopbackPorts.Next();
        int gatewayPort = o.GatewayPort > 0 ? o.GatewayPort : LoopbackPorts.Next();
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(HificClusterOptions.Section + ":Membership"));
        if (o.Kubernetes && !HificClusterOptions.IsAzureTable(o.Clustering))
            throw new InvalidOperationException($"{HificClusterOptions.Section}:Kubernetes needs a membership provider: set {HificClusterOptions.Section}:Clustering=AzureTable.");
        switch (o.Clustering.ToLowerInvariant())
        {
            case "localhost":
                var primary = o.PrimarySiloPort > 0 && o.PrimarySiloPort != siloPort ? new IPEndPoint(IPAddress.Loopback, o.PrimarySiloPort) : null;
                silo.UseLocalhostClustering(siloPort, gatewayPort, primary, o.ServiceId, o.ClusterId);
                break;
            case "azuretable":
                var tables = HificClient.RequireConnection(o, "AzureTable clustering");
                silo.Configure<ClusterOptions>(c => { c.ServiceId = o.ServiceId; c.ClusterId = o.ClusterId; });
                if (o.Kubernetes)
                {
                    // Kubernetes hosting listens on any address and names the silo after its pod. The pod's IP
                    // (downward API) is set here too: Orleans' own default (the first interface's address)
                    // would otherwise be filled in before Kubernetes hosting looks, and win on multi-NIC pods.
                    var podIp = Environment.GetEnvironmentVariable(Orleans.Hosting.Kubernetes.KubernetesHostingOptions.PodIPEnvironmentVariable);
                    silo.Configure<EndpointOptions>(e =>
                    {
                        e.SiloPort = siloPort;
                        e.GatewayPort = gatewayPort;
                        if (IPAddress.TryParse(podIp, out var ip)) e.AdvertisedIPAddress = ip;
                    });
                    silo.UseKubernetesHosting();
                }
                else
                {
                    silo.ConfigureEndpoints(o.AdvertisedAddress is { } a ? ResolveAddress(a) : IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: o.AdvertisedAddress is not null);
                }
                silo.UseAzureStorageClustering(t => t.TableServiceClient = new TableServiceClient(tables));
                break;
            default:
                throw new InvalidOperationException($"Unknown {HificClusterOptions.Section}:Clustering '{o.Clustering}' (Localhost, AzureTable).");
        }
        switch (o.EffectiveStorage.ToLowerInvariant())
        {
            case "memory": silo.AddMemoryGrainStorage(ArchiveStorage.JobStore); break;
            case "azuretable":
                var tables = HificClient.RequireConnection(o, "AzureTable job storage");
                silo.AddAzureTableGrainStorage(ArchiveStorage.JobStore, t => t.TableServiceClient = new TableServiceClient(tables));
                break;
            case "folder":
                silo.AddFolderJobStorage(o.StateFolder ?? throw new InvalidOperationException($"Folder job storage needs {HificClusterOptions.Section}:StateFolder."));
                break;
            default:
                throw new InvalidOperationException($"Unknown {HificClusterOptions.Section}:Storage '{o.Storage}' (Memory, AzureTable, Folder).");
        }
        switch (o.EffectiveReminders.ToLowerInvariant())
        {
            case "memory": silo.UseInMemoryReminderService(); break;
            case "azuretable":
                var tables = HificClient.RequireConnection(o, "AzureTable reminders");
                silo.UseAzureTableReminderService(t => t.TableServiceClient = new TableServiceClient(tables));
                break;
            default:
                throw new InvalidOperationException($"Unknown {HificClusterOptions.Section}:Reminders '{o.Reminders}' (Memory, AzureTable).");
        }
        silo.UseHificTls(configuration);
        silo.AddHificArchive(configuration);
        Monitoring.SiloMetricsExtensions.AddHificSiloMetrics(silo.Services, configuration);
        return silo;
    }

    /// <summary>An IP as is; a host name (a compose service, a pod's DNS name) resolved to its first IPv4 address.</summary>
    internal static IPAddress ResolveAddress(string address) =>
        IPAddress.TryParse(address, out var ip) ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"{HificClusterOptions.Section}:AdvertisedAddress '{address}' has no IPv4 address.");
}
