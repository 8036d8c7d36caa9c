using HiFiC.Cluster.Silo.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Tests.Azure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// README's "Run a cluster locally" recipe as real processes: Azurite, two `hific silo` (Azure
/// Table membership, job state and reminders; Azure Storage queue; a tiny seeded model as the
/// default model), and the web host as an Orleans client of them, started at the same time as the
/// silos (it waits for a gateway). Through the web API only: both silos listed, the Orleans
/// Dashboard's grain data, a silo drained, a job to Done on the other silo alone (per-silo
/// counters), an image restored, concurrency set; then SIGTERM for everything.
/// </summary>
public sealed class LocalClusterTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string root = Path.Combine(Path.GetTempPath(), "hific-local-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Azurite_two_hific_silos_and_the_web_host_as_client_run_a_job_drain_and_restore_through_the_api()
    {
        var models = Path.Combine(root, "models");
        var model = CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 1), Path.Combine(models, ModelRegistry.DefaultModelId), ModelRegistry.DefaultModelId,
            CodecModel.DefaultRates(3), null, "test");
        var data = Path.Combine(root, "data");
        WebHostFixture.WriteImages(Path.Combine(data, "photos"), 10, 64);
        var clusterId = "w" + Guid.NewGuid().ToString("N")[..10];
        // The recipe's environment (HiFiC__* as the README exports it), with free ports and fast test timings.
        var env = new Dictionary<string, string>
        {
            ["HiFiC__AzureStorage__ConnectionString"] = azurite.ConnectionString,
            ["HiFiC__Cluster__Clustering"] = "AzureTable",
            ["HiFiC__Queue__Provider"] = "AzureStorageQueue",
            ["HIFIC_MODELS"] = models,
            ["HiFiC__Cluster__ClusterId"] = clusterId,
            ["HiFiC__Queue__Name"] = "q-" + clusterId,
            ["HiFiC__Cluster__SiloPort"] = "0",
            ["HiFiC__Cluster__GatewayPort"] = "0",
            ["HiFiC__Cluster__Membership__ProbeTimeout"] = "00:00:01",
            ["HiFiC__Cluster__Membership__NumMissedProbesLimit"] = "1",
            ["HiFiC__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
            ["HiFiC__Cluster__Membership__TableRefreshTimeout"] = "00:00:01",
            ["HiFiC__ModelPool__Instances"] = "1",
            ["HiFiC__ModelPool__ThreadsPerInstance"] = "1",
            ["HiFiC__Worker__PollInterval"] = "00:00:00.2",
            ["HiFiC__Worker__ProgressInterval"] = "00:00:00.1",
            ["HiFiC__Jobs__Tick"] = "00:00:00.05",
        };
        int port = LoopbackPorts.Next();
        var webEnv = new Dictionary<string, string>(env)
        {
            ["HiFiC__Web__Mode"] = "Client",
            ["HiFiC__Web__ApiKey"] = WebHostFixture.Key,
            ["HiFiC__Web__Roots__0"] = data,
            ["HiFiC__Web__SampleInterval"] = "00:00:00.5",
        };

        using var a = HificProcess.Start(env, "silo");
        using var b = HificProcess.Start(env, "silo");
        using var web = HificProcess.StartAssembly(HificProcess.BuiltAssembly("HiFiC.Cluster.Web", "HiFiC.Cluster.Web"), webEnv, "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", WebHostFixture.Key);
        try
        {
            await a.WaitForErrAsync("joined cluster", Timeout);
            await b.WaitForErrAsync("joined cluster", Timeout);
            var addressA = SiloAddress(a.Err);
            var addressB = SiloAddress(b.Err);

            var cluster = await PollAsync(http, "/api/cluster", c => c["silos"]!.AsArray().Count == 2, web);
            Assert.Equal("client", cluster["mode"]!.GetValue<string>());
            Assert.Equal(new[] { addressA, addressB }.Order(StringComparer.Ordinal), cluster["silos"]!.AsArray().Select(s => s!["silo"]!.GetValue<string>()).Order(StringComparer.Ordinal));

            // The Orleans Dashboard answers with grain data from the silos' dashboard grains.
            var counters = await PollTextAsync(http, "/orleans/DashboardCounters", t => t.Contains("ClusterStatsGrain", StringComparison.Ordinal), web);
            Assert.Contains("ClusterStatsGrain", counters);

            // Drain silo b: the whole job goes to silo a.
            var drained = await http.PostAsync($"/api/silos/{Uri.EscapeDataString(addressB)}/drain", null);
            Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
            Assert.False(JsonNode.Parse(await drained.Content.ReadAsStringAsync())!["accepting"]!.GetValue<bool>());

            // The web process carries no codec: the coordinator refuses an unknown model with a System exception it can receive (a 400 naming the model).
            var unknownModel = await http.PostAsJsonAsync("/api/jobs", new { id = "nomodel-" + clusterId, source = "photos", destination = "archive-x", model = "no-such-model" });
            var unknownBody = await unknownModel.Content.ReadAsStringAsync();
            Assert.True(unknownModel.StatusCode == HttpStatusCode.BadRequest, unknownBody);
            Assert.Equal("unknown model 'no-such-model'", JsonNode.Parse(unknownBody)!["errors"]!["model"]![0]!.GetValue<string>());

            var created = await http.PostAsJsonAsync("/api/jobs", new { id = "local-" + clusterId, source = "photos", destination = "archive", tileSize = 64 });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var job = await PollAsync(http, $"/api/jobs/local-{clusterId}", j => j["status"]!["phase"]!.GetValue<string>() is "Done" or "Failed" or "Cancelled", web);
            Assert.Equal(("Done", 10L), (job["status"]!["phase"]!.GetValue<string>(), job["status"]!["done"]!.GetValue<long>()));

            // Per-silo numbers come from each silo: a did all ten, drained b none.
            cluster = await PollAsync(http, "/api/cluster", c => Silo(c, addressA)["itemsDone"]!.GetValue<long>() == 10, web);
            Assert.Equal((10L, true), (Silo(cluster, addressA)["itemsDone"]!.GetValue<long>(), Silo(cluster, addressA)["accepting"]!.GetValue<bool>()));
            Assert.Equal((0L, false), (Silo(cluster, addressB)["itemsDone"]!.GetValue<long>(), Silo(cluster, addressB)["accepting"]!.GetValue<bool>()));
            Assert.Equal(1, cluster["scaling"]!["acceptingSilos"]!.GetValue<int>());

            // Restore through the API (decoded on a silo) equals a direct decode of the archived file.
            var png = await http.GetAsync($"/api/images/img0.png?job=local-{clusterId}");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            var restored = ImageIO.Load(new MemoryStream(await png.Content.ReadAsByteArrayAsync())).Rgb;
            using (var file = File.OpenRead(Path.Combine(data, "archive", ArchiveNaming.Bitstream("img0.png"))))
                Assert.Equal(new HificDecoder(model).Decompress(file).Image.Pixels, restored.Pixels);

            // Undrain b and give a two model instances.
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/silos/{Uri.EscapeDataString(addressB)}/undrain", null)).StatusCode);
            var set = await http.PutAsJsonAsync($"/api/silos/{Uri.EscapeDataString(addressA)}/concurrency", new { concurrency = 2 });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            cluster = await PollAsync(http, "/api/cluster", c => Silo(c, addressA)["modelInstances"]!.GetValue<int>() == 2 && Silo(c, addressB)["accepting"]!.GetValue<bool>(), web);
            Assert.Equal(2, Silo(cluster, addressA)["modelInstances"]!.GetValue<int>());

            // SIGTERM: the silos leave the cluster cleanly, the web host stops.
            foreach (var p in new[] { web, a, b }) p.Terminate();
            Assert.Equal(0, await a.WaitForExitAsync(Timeout));
            Assert.Equal(0, await b.WaitForExitAsync(Timeout));
            await web.WaitForExitAsync(Timeout);
            Assert.Contains("left the cluster", a.Err);
        }
        catch
        {
            output.WriteLine("silo a:\n" + a.Err);
            output.WriteLine("silo b:\n" + b.Err);
            output.WriteLine("web:\n" + web.Out + web.Err);
            throw;
        }
    }

    private static JsonNode Silo(JsonNode cluster, string address) =>
        cluster["silos"]!.AsArray().Single(s => s!["silo"]!.GetValue<string>() == address)!;

    /// <summary>The address `hific silo` logs when it has joined ("Silo S127.0.0.1:41234:1234 joined cluster").</summary>
    private static string SiloAddress(string log)
    {
        var line = log.Split('\n').First(l => l.Contains("joined cluster", StringComparison.Ordinal));
        return line[(line.IndexOf("Silo ", StringComparison.Ordinal) + 5)..].Split(' ')[0];
    }

    private static async Task<JsonNode> PollAsync(HttpClient http, string path, Func<JsonNode, bool> until, HificProcess web) =>
        JsonNode.Parse(await PollTextAsync(http, path, t => until(JsonNode.Parse(t)!), web))!;

    /// <summary>GETs <paramref name="path"/> until it answers 200 with what <paramref name="until"/> wants (the web host may still be waiting for a gateway).</summary>
    private static async Task<string> PollTextAsync(HttpClient http, string path, Func<string, bool> until, HificProcess web)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < Timeout)
        {
            if (web.HasExited) throw new InvalidOperationException($"the web host exited:\n{web.Out}\n{web.Err}");
            try
            {
                var r = await http.GetAsync(path);
                last = $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";
                if (r.IsSuccessStatusCode && until(last[4..])) return last[4..];
            }
            catch (HttpRequestException e) { last = e.Message; }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{path} did not answer as expected within {Timeout}: {last}");
    }
}
