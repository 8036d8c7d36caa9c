using Azure.Data.Tables;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// The real-cluster wiring: Orleans membership, job state and reminders in Azure Table storage
/// (Azurite), the queue in Azure Storage Queues, every silo configured only through
/// configuration keys (<see cref="HificClusterHosting"/>) as `hific silo` is.
/// </summary>
public sealed class AzureTableClusterTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Settings shared by the silos and clients of one test cluster (fast failure detection and polling).</summary>
    private Dictionary<string, string> Settings(string clusterId) => new()
    {
        ["HiFiC:Cluster:Clustering"] = "AzureTable",
        ["HiFiC:Cluster:ClusterId"] = clusterId,
        ["HiFiC:Cluster:SiloPort"] = "0",
        ["HiFiC:Cluster:GatewayPort"] = "0",
        ["HiFiC:Cluster:Membership:ProbeTimeout"] = "00:00:01",
        ["HiFiC:Cluster:Membership:NumMissedProbesLimit"] = "1",
        ["HiFiC:Cluster:Membership:NumVotesForDeathDeclaration"] = "1",
        ["HiFiC:Cluster:Membership:TableRefreshTimeout"] = "00:00:01",
        ["HiFiC:AzureStorage:ConnectionString"] = azurite.ConnectionString,
        ["HiFiC:Queue:Provider"] = "AzureStorageQueue",
        ["HiFiC:Queue:Name"] = "q-" + clusterId,
        ["HiFiC:Queue:VisibilityTimeout"] = "00:00:03",
        ["HiFiC:ModelPool:Instances"] = "1",
        ["HiFiC:ModelPool:ThreadsPerInstance"] = "1",
        ["HiFiC:Worker:Consumers"] = "2",
        ["HiFiC:Worker:PollInterval"] = "00:00:00.2",
        ["HiFiC:Worker:ProgressInterval"] = "00:00:00.1",
        ["HiFiC:Worker:PhaseRefresh"] = "00:00:00.2",
        ["HiFiC:Worker:RetryDelay"] = "00:00:00.1",
        ["HiFiC:Jobs:Tick"] = "00:00:00.05",
    };

    private static async Task<IHost> StartSiloAsync(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICodecModelSource>(new FixedModelSource(TestModel.Tiny));
        builder.UseOrleans(silo => silo.UseHificCluster(configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
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

    [Fact]
    public async Task Two_silos_with_Azure_Table_clustering_storage_and_reminders_run_a_job_and_its_state_outlives_the_cluster()
    {
        var clusterId = "t" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(clusterId)!).Build();
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 10, withBadFiles: true);
        _ = TestModel.Tiny;

        var silos = new List<IHost> { await StartSiloAsync(configuration), await StartSiloAsync(configuration) };
        var jobId = "table-" + Guid.NewGuid().ToString("N");
        try
        {
            using var client = await StartClientAsync(configuration);
            var job = client.Services.GetRequiredService<IClusterClient>().GetGrain<IArchiveJobGrain>(jobId);
            await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 64, MaxAttempts = 3 });
            var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(JobWaits.Describe(end));
            Assert.Equal(JobPhase.Done, end.Phase);
            Assert.Equal((10L, 2L), (end.Done, end.Failed));
            foreach (var g in good) Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest(g))), g);
            await client.StopAsync();
        }
        finally
        {
            foreach (var s in silos) { await s.StopAsync(); s.Dispose(); }
        }

        // Membership and job state are rows in Azure Tables...
        var tables = new TableServiceClient(azurite.ConnectionString);
        var members = tables.GetTableClient("OrleansSiloInstances").Query<TableEntity>(e => e.PartitionKey == clusterId).ToList();
        Assert.True(members.Count >= 2, $"{members.Count} membership rows");
        Assert.Contains(tables.GetTableClient("OrleansGrainState").Query<TableEntity>(), e => (e.PartitionKey + e.RowKey).Contains(jobId, StringComparison.Ordinal));

        // ...so a new cluster of the same service finds the finished job.
        var again = new ConfigurationBuilder().AddInMemoryCollection(Settings(clusterId + "b")!).Build();
        using var silo = await StartSiloAsync(again);
        using var client2 = await StartClientAsync(again);
        var status = await client2.Services.GetRequiredService<IClusterClient>().GetGrain<IArchiveJobGrain>(jobId).GetStatusAsync();
        Assert.Equal((JobPhase.Done, 10L), (status.Phase, status.Done));
        await client2.StopAsync();
        await silo.StopAsync();
    }

    [Fact]
    public async Task Hific_silo_processes_run_a_submitted_job_through_a_silo_kill_and_restore_serves_images()
    {
        var clusterId = "p" + Guid.NewGuid().ToString("N")[..10];
        var models = temp.Sub("models");
        var model = CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 1), Path.Combine(models, ModelRegistry.DefaultModelId), ModelRegistry.DefaultModelId,
            CodecModel.DefaultRates(3), null, "test");
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 20, withBadFiles: true, size: 256);
        // Above --split-above 0.1 MP: 24 tile items of 128 px that either silo may take, then one assembly.
        const string large = "large/wide.png";
        TestImages.WritePng(Path.Combine(src, large), 768, 512, seed: 77);
        good.Add(large);
        var env = Settings(clusterId).ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value);
        env["HiFiC__Worker__Consumers"] = "1";
        env["HIFIC_MODELS"] = models;
        var timeout = TimeSpan.FromSeconds(90);

        using var a = HificProcess.Start(env, "silo", "--threads", "1");
        using var b = HificProcess.Start(env, "silo", "--threads", "1");
        try
        {
            await a.WaitForErrAsync("joined cluster", timeout);
            await b.WaitForErrAsync("joined cluster", timeout);
            Assert.Contains("Computing on CPU", a.Err);

            var submit = await HificProcess.RunAsync(env, timeout, "job", "submit", src, "--out", dst, "--tile", "128", "--split-above", "0.1", "--verify", "--max-attempts", "5");
            Assert.True(submit.Code == 0, submit.Err);
            var jobId = submit.Out.Trim();
            output.WriteLine($"job {jobId}");

            // The watcher may still be connecting when silo b dies: it retries the connection and
            // its status calls. Silo b's leased items come back after the visibility timeout; if it
            // hosted the coordinator, the coordinator reactivates on silo a from Azure Table storage.
            using var watch = HificProcess.Start(env, "job", "watch", jobId);
            int archivedAtKill = await WaitForManifestsAsync(dst, 2, timeout);
            b.Kill();
            output.WriteLine($"killed silo b with {archivedAtKill} of {good.Count} archived");
            Assert.True(archivedAtKill < good.Count, "the job ended before the kill");

            int code = await watch.WaitForExitAsync(timeout);
            output.WriteLine(watch.Out);
            Assert.True(code == 1, $"watch exit {code} (1 = done with failed inputs)\n{watch.Err}");
            Assert.Contains("Done", watch.Out);
            Assert.Contains(TestImages.BadFiles[0], watch.Err);
            foreach (var g in good)
            {
                var m = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(g))));
                Assert.True(m.Verified, g);
            }
            // (A tile redelivered after assembly may leave a stray part under .hific-parts/: not an archived file.)
            Assert.Equal(2 * good.Count, ArchiveFiles.List(dst).Count);

            var status = await HificProcess.RunAsync(env, timeout, "job", "status", jobId, "--json");
            Assert.True(status.Code == 0, status.Err);
            Assert.Contains("\"done\": 21", status.Out);
            Assert.Contains("\"splitImages\": 1", status.Out);

            // Restore through the cluster: whole image and a region, against a direct decode.
            var png = Path.Combine(temp.Sub("restored"), "a.png");
            var restore = await HificProcess.RunAsync(env, timeout, "restore", Path.Combine(dst, ArchiveNaming.Bitstream(good[0])), "-o", png);
            Assert.True(restore.Code == 0, restore.Err);
            var direct = new HificDecoder(model).Decompress(File.OpenRead(Path.Combine(dst, ArchiveNaming.Bitstream(good[0]))));
            Assert.Equal(direct.Image.Pixels, ImageIO.Load(png).Rgb.Pixels);
            var part = Path.Combine(temp.Sub("restored"), "part.png");
            var region = await HificProcess.RunAsync(env, timeout, "restore", Path.Combine(dst, ArchiveNaming.Bitstream(large)), "-o", part, "--region", "100,50,200,120");
            Assert.True(region.Code == 0, region.Err);
            var directRegion = new HificDecoder(model).Decompress(File.OpenRead(Path.Combine(dst, ArchiveNaming.Bitstream(large))), new PixelRect(100, 50, 200, 120));
            var restoredRegion = ImageIO.Load(part).Rgb;
            Assert.Equal((200, 120), (restoredRegion.Width, restoredRegion.Height));
            Assert.Equal(directRegion.Image.Pixels, restoredRegion.Pixels);

            // A restore job (issue 19 item 4) of one folder as JPEG, fanned out over the silo processes, watched to its summary.
            var restoredSet = temp.Sub("restored-set1");
            var restoreJob = await HificProcess.RunAsync(env, timeout, "job", "restore", dst, "--out", restoredSet, "--folder", "set1", "--format", "jpeg", "--quality", "80", "--watch");
            Assert.True(restoreJob.Code == 0, restoreJob.Err);
            Assert.Contains("Restored", restoreJob.Out);
            var set1 = good.Where(g => g.StartsWith("set1/", StringComparison.Ordinal)).Select(g => g + ".jpg").Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(set1);
            Assert.Equal(set1, ArchiveFiles.List(restoredSet));
            Assert.All(set1, f => Assert.Equal(new byte[] { 0xFF, 0xD8 }, File.ReadAllBytes(Path.Combine(restoredSet, f))[..2]));

            // SIGTERM: the surviving silo leaves the cluster cleanly.
            a.Terminate();
            Assert.Equal(0, await a.WaitForExitAsync(timeout));
            Assert.Contains("left the cluster", a.Err);
        }
        catch
        {
            output.WriteLine("silo a:\n" + a.Err);
            output.WriteLine("silo b:\n" + b.Err);
            throw;
        }
    }

    private static Task<int> WaitForManifestsAsync(string folder, int count, TimeSpan timeout) =>
        Poll.ForFilesAsync(folder, "*" + ArchiveNaming.ManifestSuffix, count, timeout);
}
