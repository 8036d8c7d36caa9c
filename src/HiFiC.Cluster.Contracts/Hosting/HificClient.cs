using Azure.Data.Tables;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;

namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// The one place a client of the cluster is configured: `hific job`, `hific restore` and the web
/// host in client mode. Clustering from "HiFiC:Cluster" (Localhost or AzureTable, as the silos),
/// TLS from "HiFiC:Cluster:Tls", and a patient first connection (<see cref="GatewayRetryFilter"/>).
/// </summary>
public static class HificClient
{
    /// <summary>Where HiFiC:Cluster:ConnectionString falls back to (the silos' storage account).</summary>
    public const string AzureStorageSection = "HiFiC:AzureStorage";

    public static HificClusterOptions ReadClusterOptions(IConfiguration configuration)
    {
        var o = new HificClusterOptions();
        configuration.GetSection(HificClusterOptions.Section).Bind(o);
        o.ConnectionString ??= configuration.GetSection(AzureStorageSection)["ConnectionString"];
        HificClusterOptionsRules.Check(o);
        return o;
    }

    /// <summary>A client of the cluster the same configuration describes.</summary>
    public static IClientBuilder UseHificCluster(this IClientBuilder client, IConfiguration configuration)
    {
        var o = ReadClusterOptions(configuration);
        switch (o.Clustering.ToLowerInvariant())
        {
            case "localhost":
                int[] ports = o.GatewayPorts.Length > 0 ? o.GatewayPorts : [o.GatewayPort];
                client.UseLocalhostClustering(ports, o.ServiceId, o.ClusterId);
                break;
            case "azuretable":
                var tables = RequireConnection(o, "AzureTable clustering");
                client.Configure<ClusterOptions>(c => { c.ServiceId = o.ServiceId; c.ClusterId = o.ClusterId; });
                client.UseAzureStorageClustering(t => t.TableServiceClient = new TableServiceClient(tables));
                break;
            default:
                throw new InvalidOperationException($"Unknown {HificClusterOptions.Section}:Clustering '{o.Clustering}' (Localhost, AzureTable).");
        }
        client.UseHificTls(configuration);
        return client;
    }

    /// <summary>A client that waits up to <paramref name="patience"/> for a gateway, trying every <paramref name="interval"/> (silos take seconds to a minute to open theirs).</summary>
    public static IClientBuilder UseHificCluster(this IClientBuilder client, IConfiguration configuration, TimeSpan patience, TimeSpan interval) =>
        client.UseHificCluster(configuration).UseConnectionRetryFilter(new GatewayRetryFilter(patience, interval));

    /// <summary>A client of the silos whose gateways are listed (host:port), whatever their clustering: static clustering, the same TLS, the same patience.</summary>
    public static IClientBuilder UseStaticGateways(this IClientBuilder client, IConfiguration configuration, IEnumerable<string> gateways,
        string serviceId, string clusterId, TimeSpan patience, TimeSpan interval)
    {
        client.UseStaticClustering(gateways.Select(ParseEndPoint).ToArray());
        client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
        return client.UseHificTls(configuration).UseConnectionRetryFilter(new GatewayRetryFilter(patience, interval));
    }

    /// <summary>"host:port" as an endpoint: an IP as is, a host name (a compose service, a pod's DNS name) resolved to its first IPv4 address.</summary>
    public static IPEndPoint ParseEndPoint(string hostPort)
    {
        var i = hostPort.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(hostPort[(i + 1)..], out var port)) throw new InvalidOperationException($"Gateway '{hostPort}' is not host:port.");
        return new IPEndPoint(ResolveAddress(hostPort[..i]), port);
    }

    /// <summary>An IP as is; a host name resolved to its first IPv4 address.</summary>
    public static IPAddress ResolveAddress(string address) =>
        IPAddress.TryParse(address, out var ip) ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"'{address}' has no IPv4 address.");

    public static string RequireConnection(HificClusterOptions o, string what) =>
        o.ConnectionString ?? throw new InvalidOperationException(
            $"{what} needs {HificClusterOptions.Section}:ConnectionString or {AzureStorageSection}:ConnectionString.");
}
