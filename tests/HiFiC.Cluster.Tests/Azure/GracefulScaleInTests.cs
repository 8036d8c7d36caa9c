using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// Scale-in as Kubernetes (KEDA, a rolling update, a node drain) does it: SIGTERM to one of two real
/// `hific silo` processes in the middle of a job. The silo stops taking items, hands the ones it
/// holds back to the queue (the other silo finishes them at once, not after the visibility
/// timeout, and without spending an attempt), leaves the membership table as Dead before it exits
/// (the other silo's view says so without waiting for failure detection) and exits 0.
/// </summary>
public sealed class GracefulScaleInTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    // Slow on purpose: a crashed silo would be declared dead only after ~3 missed 10 s probes, and the
    // table is re-read once a minute, so seeing the stopped silo Dead within seconds means it said so itself.
    private static readonly TimeSpan CrashDetection = TimeSpan.FromSeconds(30);
    // Long on purpose: an item left leased by the stopped silo would wait this long before anyone else got it.
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(2);

    private Dictionary<string, string> Settings(string clusterId) => new()
    {
        ["HiFiC:Cluster:Clustering"] = "AzureTable",
        ["HiFiC:Cluster:ClusterId"] = clusterId,
        ["HiFiC:Cluster:GatewayPort"] = "0",
        ["HiFiC:Cluster:Membership:ProbeTimeout"] = "00:00:10",
        ["HiFiC:Cluster:Membership:NumMissedProbesLimit"] = "3",
        ["HiFiC:Cluster:Membership:TableRefreshTimeout"] = "00:01:00",
        ["HiFiC:AzureStorage:ConnectionString"] = azurite.ConnectionString,
        ["HiFiC:Queue:Provider"] = "AzureStorageQueue",
        ["HiFiC:Queue:Name"] = "q-" + clusterId,
        ["HiFiC:Queue:VisibilityTimeout"] = Visibility.ToString(),
        // One model thread, two consumers: while the silo works, one item is being compressed and
        // another is leased and waiting for the model, so a stop always finds items in flight.
        ["HiFiC:ModelPool:Instances"] = "1",
        ["HiFiC:ModelPool:ThreadsPerInstance"] = "1",
        ["HiFiC:Worker:Consumers"] = "2",
        ["HiFiC:Worker:PollInterval"] = "00:00:00.2",
        ["HiFiC:Worker:ProgressInterval"] = "00:00:00.1",
        ["HiFiC:Jobs:Tick"] = "00:00:00.05",
        ["HiFiC:Silo:OrleansDashboard"] = "false",
        // The shipped lite model: ~1 s per 512x512 image on one shared core, long enough to be caught mid-item.
        ["HiFiC:Models:Folder"] = Path.Combine(RepoPaths.Root, "models"),
    };

    [Fact]
    public async Task A_silo_sent_SIGTERM_hands_back_its_items_and_leaves_the_cluster_at_once()
    {
        var clusterId = "g" + Guid.NewGuid().ToString("N")[..10];
        var settings = Settings(clusterId);
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        const int images = 8;
        for (int i = 0; i < images; i++) TestImages.WritePng(Path.Combine(src, $"img{i:D2}.png"), 512, 512, seed: i);
        int stoppingPort = LoopbackPorts.Next();
        var env = settings.ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value);

        using var staying = HificProcess.Start(env, "silo", "--threads", "1", "HiFiC:Cluster:SiloPort=0");
        using var stopping = HificProcess.Start(env, "silo", "--threads", "1", $"HiFiC:Cluster:SiloPort={stoppingPort}");
        try
        {
            var timeout = TimeSpan.FromSeconds(90);
            await staying.WaitForErrAsync("joined cluster", timeout);
            await stopping.WaitForErrAsync("joined cluster", timeout);

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings!).Build();
            using var client = await StartClientAsync(configuration);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var job = grains.GetGrain<IArchiveJobGrain>("scale-in-" + Guid.NewGuid().ToString("N"));
            // MaxAttempts 1: an item whose hand-back counted as an attempt would fail.
            await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 256, MaxAttempts = 1 });

            // Both silos are busy once a couple of images are done; then the scale-in.
            await WaitForManifestsAsync(dst, 2, timeout);
            stopping.Terminate();
            var terminated = Stopwatch.StartNew();
            Assert.Equal(0, await stopping.WaitForExitAsync(TimeSpan.FromSeconds(45)));
            var exitedAfter = terminated.Elapsed;
            int archivedAtExit = Manifests(dst);
            output.WriteLine($"stopped silo exited {exitedAfter.TotalSeconds:F1} s after SIGTERM with {archivedAtExit}/{images} archived:\n{stopping.Err}");

            // It stopped taking items: it left while the queue still held work it could have taken...
            Assert.True(archivedAtExit < images, "the job was over before the silo left; nothing shows it stopped taking items");
            Assert.Contains("Stopping: no new items", stopping.Err);
            // ...and handed back what it held (one item compressing, one waiting for the model).
            Assert.Contains("handed back on stop", stopping.Err);
            Assert.Contains("left the cluster", stopping.Err);

            // It left the membership itself: the remaining silo's view has it Dead now, not after failure detection.
            var management = grains.GetGrain<IManagementGrain>(0);
            var seen = Stopwatch.StartNew();
            SiloStatus status;
            while ((status = await StatusOfAsync(management, stoppingPort)) != SiloStatus.Dead && seen.Elapsed < CrashDetection)
                await Task.Delay(100);
            output.WriteLine($"membership view: {status} {seen.Elapsed.TotalSeconds:F1} s after exit");
            Assert.Equal(SiloStatus.Dead, status);
            // Declared dead by itself, not by failure detection: Orleans records the declaring silo's vote
            // with every death declaration, so a silo the others declare dead carries their votes; one
            // that left carries only its own.
            var entry = (await management.GetDetailedHosts(onlyActive: false)).Single(h => h.SiloAddress.Endpoint.Port == stoppingPort && h.Status == SiloStatus.Dead);
            var others = (entry.SuspectTimes ?? []).Select(v => v.Item1).Where(voter => !voter.Equals(entry.SiloAddress)).ToList();
            output.WriteLine($"votes on its entry: {string.Join(", ", (entry.SuspectTimes ?? []).Select(v => v.Item1))}");
            Assert.True(others.Count == 0, $"declared dead by the other silo's votes ({string.Join(", ", others)}), not by leaving");

            // The handed-back items were taken by the other silo straight away: the job ends well
            // within the visibility timeout, every image archived, nothing failed.
            var end = await job.WaitForEndAsync(Visibility - TimeSpan.FromSeconds(30));
            output.WriteLine($"job ended {terminated.Elapsed.TotalSeconds:F1} s after SIGTERM: {JobWaits.Describe(end)}");
            Assert.Equal((JobPhase.Done, (long)images, 0L), (end.Phase, end.Done, end.Failed));
            for (int i = 0; i < images; i++) Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest($"img{i:D2}.png"))), $"img{i:D2}.png");
            await client.StopAsync();

            staying.Terminate();
            Assert.Equal(0, await staying.WaitForExitAsync(timeout));
        }
        catch
        {
            output.WriteLine("staying silo:\n" + staying.Err);
            output.WriteLine("stopping silo:\n" + stopping.Err);
            throw;
        }
    }

    private static async Task<SiloStatus> StatusOfAsync(IManagementGrain management, int port)
    {
        var hosts = await management.GetHosts(onlyActive: false);
        return hosts.Where(h => h.Key.Endpoint.Port == port).Select(h => h.Value).DefaultIfEmpty(SiloStatus.None).Max();
    }

    private static async Task<IHost> StartClientAsync(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c.UseHificCluster(configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int Manifests(string folder) =>
        Directory.EnumerateFiles(folder, "*" + ArchiveNaming.ManifestSuffix, SearchOption.AllDirectories).Count();

    private static Task WaitForManifestsAsync(string folder, int count, TimeSpan timeout) =>
        Poll.ForFilesAsync(folder, "*" + ArchiveNaming.ManifestSuffix, count, timeout);
}
