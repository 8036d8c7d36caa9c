using HiFiC.Cluster.Silo.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The web host as an Orleans client (HiFiC:Web:Mode=Client) of a separate silo (here another
/// web host in embedded mode on fixed ports, which is a full silo): cluster view, a job end to end,
/// and HiFiC:Web:PublicReadOnly (status open, control and restores keyed).
/// </summary>
public sealed class ClientModeTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "hific-web-client-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication silo = null!, client = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        WebHostFixture.WriteImages(Path.Combine(root, "src"), 4, 64);
        int siloPort = LoopbackPorts.Next(), gatewayPort = LoopbackPorts.Next();
        var cluster = "web-client-" + Guid.NewGuid().ToString("N")[..6];
        silo = await WebHostFixture.StartHostAsync(root,
            [$"--HiFiC:Web:SiloPort={siloPort}", $"--HiFiC:Web:GatewayPort={gatewayPort}", $"--HiFiC:Web:ClusterId={cluster}"]);
        client = await WebHostFixture.StartHostAsync(root,
            ["--HiFiC:Web:Mode=Client", $"--HiFiC:Web:Gateways:0=127.0.0.1:{gatewayPort}", $"--HiFiC:Web:ClusterId={cluster}",
             "--HiFiC:Web:PublicReadOnly=true"], client: true);
        http = new HttpClient { BaseAddress = new Uri(client.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", WebHostFixture.Key);
    }

    [Fact]
    public async Task Client_mode_shows_the_cluster_and_runs_a_job()
    {
        JsonNode cluster;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(250);
            cluster = JsonNode.Parse(await http.GetStringAsync("/api/cluster"))!;
        } while (cluster["silos"]!.AsArray().Count == 0 && DateTime.UtcNow < deadline);
        Assert.Equal("client", cluster["mode"]!.GetValue<string>());
        Assert.Single(cluster["silos"]!.AsArray());

        // PublicReadOnly: status without a key, control and restores still keyed.
        using (var anonymous = new HttpClient { BaseAddress = http.BaseAddress })
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/cluster")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/jobs")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/jobs", new { source = "src", destination = "out" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/images/img0.png?job=x")).StatusCode);
        }

        var created = await http.PostAsJsonAsync("/api/jobs", new { id = "via-client", source = "src", destination = "out" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string phase;
        deadline = DateTime.UtcNow.AddSeconds(40);
        do
        {
            await Task.Delay(200);
            phase = JsonNode.Parse(await http.GetStringAsync("/api/jobs/via-client"))!["status"]!["phase"]!.GetValue<string>();
        } while (phase != "Done" && DateTime.UtcNow < deadline);
        Assert.Equal("Done", phase);
        var png = await http.GetByteArrayAsync("/api/images/img0.png?job=via-client");
        Assert.Equal(0x89, png[0]);

        // The Orleans Dashboard in client mode: its grains run on the silo, this host serves /orleans
        // and reads grain statistics through them (the coordinator of the job just run among them).
        Assert.Contains("html", (await http.GetAsync("/orleans/")).Content.Headers.ContentType?.MediaType ?? "");
        string counters;
        deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(250);
            counters = await http.GetStringAsync("/orleans/DashboardCounters");
        } while (!counters.Contains("ArchiveJobGrain", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("ArchiveJobGrain", counters);
    }


    public async Task DisposeAsync()
    {
        http?.Dispose();
        foreach (var app in new[] { client, silo })
        {
            if (app is null) continue;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            await app.DisposeAsync();
        }
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }
}
