using HiFiC.Deployment.Tests.Configuration;
using HiFiC.Deployment.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Deployment.Tests.Compose;

/// <summary>
/// docker-compose.yml (and the GPU override) validate with Debian's docker-compose 1.29
/// (`config -q`; no Docker engine is needed for that), and wire Azurite, two silos and a client web
/// host together. scripts/setup.sh installs docker-compose.
/// </summary>
public sealed class ComposeFileTests(ITestOutputHelper output)
{
    private static readonly string File = Repo.Path("docker-compose.yml");

    [Theory]
    [InlineData("docker-compose.yml")]
    [InlineData("docker-compose.yml", "docker-compose.gpu.yml")]
    public async Task Docker_compose_validates_the_files(params string[] files)
    {
        Assert.True(Tool.Exists("docker-compose"), "docker-compose is not installed (bash scripts/setup.sh installs Debian's docker-compose)");
        var args = files.SelectMany(f => new[] { "-f", f }).Concat(["config", "-q"]);
        // No API key in the environment: the file must still be valid (the web host then refuses keyed calls).
        var (code, stdout, stderr) = await Tool.RunAsync("docker-compose", args, Repo.Root,
            new Dictionary<string, string> { ["HIFIC_API_KEY"] = "", ["COMPOSE_PROJECT_NAME"] = "hific-test" });
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, $"docker-compose {string.Join(' ', args)}: exit {code}\n{stderr}");
    }

    [Fact]
    public void Each_silo_serves_Prometheus_metrics_on_a_published_port()
    {
        var services = (Dictionary<object, object>)DeployedSettings.LoadCompose(File)["services"];
        var published = new List<string>();
        foreach (var name in new[] { "silo1", "silo2" })
        {
            var port = DeployedSettings.FromCompose(File, name)["HiFiC:Metrics:Port"];
            Assert.Equal("9464", port);
            var service = (Dictionary<object, object>)services[name];
            Assert.Contains(port, ((List<object>)service["expose"]).Cast<string>());
            // Published on the host's loopback, each silo on its own host port, to the container's metrics port.
            var mapping = ((List<object>)service["ports"]).Cast<string>().Single(p => p.EndsWith(":" + port, StringComparison.Ordinal));
            Assert.StartsWith("127.0.0.1:", mapping);
            published.Add(mapping.Split(':')[1]);
        }
        Assert.Equal(published.Count, published.Distinct().Count());
    }

    [Fact]
    public void Azurite_two_silos_and_a_client_web_host_form_one_cluster()
    {
        var compose = DeployedSettings.LoadCompose(File);
        var services = (Dictionary<object, object>)compose["services"];
        Assert.Equal(["azurite", "silo1", "silo2", "web"], services.Keys.Cast<string>().Order());

        var silos = new[] { "silo1", "silo2" }.Select(s => DeployedSettings.FromCompose(File, s)).ToList();
        var web = DeployedSettings.FromCompose(File, "web");
        foreach (var s in silos)
        {
            Assert.Equal("AzureTable", s["HiFiC:Cluster:Clustering"]);
            Assert.Equal("AzureStorageQueue", s["HiFiC:Queue:Provider"]);
            Assert.Contains("azurite:10002", s["HiFiC:AzureStorage:ConnectionString"]);
        }
        // Same cluster and queue; each silo advertises its own service name.
        Assert.Equal(silos[0]["HiFiC:Cluster:ClusterId"], silos[1]["HiFiC:Cluster:ClusterId"]);
        Assert.Equal(silos[0]["HiFiC:Cluster:ClusterId"], web["HiFiC:Cluster:ClusterId"]);
        Assert.Equal(silos[0]["HiFiC:Cluster:ServiceId"], web["HiFiC:Cluster:ServiceId"]);
        Assert.Equal(silos[0]["HiFiC:Queue:Name"], silos[1]["HiFiC:Queue:Name"]);
        Assert.Equal(["silo1", "silo2"], silos.Select(s => s["HiFiC:Cluster:AdvertisedAddress"]));
        Assert.Equal("Client", web["HiFiC:Web:Mode"]);
        // The API key comes from the operator's environment; unset, keyed calls are refused (fail closed).
        Assert.Equal("${HIFIC_API_KEY:-}", DeployedSettings.ComposeEnvironment(File, "web")["HiFiC__Web__ApiKey"]);

        // A stop gives the silo time to hand back its items and leave before docker kills it.
        var silo1 = (Dictionary<object, object>)services["silo1"];
        Assert.Equal("SIGTERM", silo1["stop_signal"]);
        var grace = TimeSpan.FromSeconds(int.Parse(((string)silo1["stop_grace_period"]).TrimEnd('s')));
        Assert.True(grace >= TimeSpan.Parse(silos[0]["HiFiC:Silo:ShutdownTimeout"]) + TimeSpan.FromSeconds(20));
        // Folder archives: one volume at the same path in every container.
        foreach (var s in new[] { "silo1", "silo2", "web" })
            Assert.Contains("hific-data:/data", ((List<object>)((Dictionary<object, object>)services[s])["volumes"]).Cast<string>());
    }
}
