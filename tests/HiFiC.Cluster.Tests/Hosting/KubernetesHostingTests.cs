using System.Net;
using HiFiC.Cluster.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace HiFiC.Cluster.Tests.Hosting;

/// <summary>
/// HiFiC:Cluster:Kubernetes switches on Orleans' Kubernetes hosting (what the Helm chart sets): the
/// silo takes its name and advertised address from the pod, listens on every interface, keeps the
/// configured ports and cluster identity. Checked on the built (not started) host: starting it would
/// need a Kubernetes API server. Local and compose set-ups are unchanged without the switch.
/// </summary>
public sealed class KubernetesHostingTests
{
    private static IConfiguration Config(params (string Key, string Value)[] extra) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HiFiC:Cluster:Clustering"] = "AzureTable",
            ["HiFiC:Cluster:ServiceId"] = "archive",
            ["HiFiC:Cluster:ClusterId"] = "blue",
            ["HiFiC:Cluster:SiloPort"] = "12111",
            ["HiFiC:Cluster:GatewayPort"] = "32000",
            // Never contacted: the host is only built.
            ["HiFiC:AzureStorage:ConnectionString"] = "UseDevelopmentStorage=true",
        })
        .AddInMemoryCollection(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
        .Build();

    private static (IHost Host, IServiceCollection Services) Build(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseHificCluster(configuration));
        return (builder.Build(), builder.Services);
    }

    [Fact]
    public void In_Kubernetes_the_silo_is_named_and_addressed_after_its_pod()
    {
        var saved = new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" }
            .ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("POD_NAME", "hific-silo-7d9f-abcde");
            Environment.SetEnvironmentVariable("POD_NAMESPACE", "archive");
            Environment.SetEnvironmentVariable("POD_IP", "10.244.3.17");
            Environment.SetEnvironmentVariable("ORLEANS_SERVICE_ID", "archive");
            Environment.SetEnvironmentVariable("ORLEANS_CLUSTER_ID", "blue");
            var (host, services) = Build(Config(("HiFiC:Cluster:Kubernetes", "true")));
            using (host)
            {
                Assert.Equal("hific-silo-7d9f-abcde", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
                var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
                Assert.Equal(IPAddress.Parse("10.244.3.17"), endpoints.AdvertisedIPAddress);
                Assert.Equal((12111, 32000), (endpoints.SiloPort, endpoints.GatewayPort));
                Assert.Equal(new IPEndPoint(IPAddress.Any, 12111), endpoints.SiloListeningEndpoint);
                Assert.Equal(new IPEndPoint(IPAddress.Any, 32000), endpoints.GatewayListeningEndpoint);
                var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
                Assert.Equal(("archive", "blue"), (cluster.ServiceId, cluster.ClusterId));
                // The agent that watches pods (declares silos of deleted pods dead, deletes pods of dead silos).
                Assert.Contains(services, d => (d.ImplementationType ?? d.ServiceType).Namespace == "Orleans.Hosting.Kubernetes");
            }
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
    }

    [Fact]
    public void Without_the_switch_nothing_of_Kubernetes_is_added()
    {
        var (host, services) = Build(Config(("HiFiC:Cluster:AdvertisedAddress", "localhost")));
        using (host)
        {
            Assert.DoesNotContain(services, d => (d.ImplementationType ?? d.ServiceType).Namespace == "Orleans.Hosting.Kubernetes");
            // A host name (a compose service) resolves to its address.
            Assert.Equal(IPAddress.Loopback, host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
        }
    }

    [Fact]
    public void Kubernetes_hosting_without_a_membership_provider_is_refused()
    {
        var configuration = Config(("HiFiC:Cluster:Kubernetes", "true"), ("HiFiC:Cluster:Clustering", "Localhost"));
        var e = Assert.Throws<InvalidOperationException>(() => Build(configuration));
        Assert.Contains("Clustering=AzureTable", e.Message);
    }
}
