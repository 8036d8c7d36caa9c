using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Tests.Azure;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Model;
using HiFiC.Codec.Models;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Scale;

/// <summary>
/// Issue 22's scale run: HIFIC_SCALE_RUN real 32–64 px crops in one flat Azurite container,
/// archived through an Azure Storage queue by two real `hific silo` processes (tiny seeded model,
/// the real codec), job state and membership in Azure Tables. The silo hosting the coordinator is
/// SIGKILLed when half the images are done and a fresh silo joins. A sampler records items/s,
/// coordinator state size (the grain's Azure Table entity), enumeration pages/s, queue depth and
/// every silo's RSS; the archive is then counted blob by blob: every image once, nothing else.
/// </summary>
public sealed class ScaleRunTests(ITestOutputHelper output) : IDisposable
{
    private const int PageSize = 256;
    private static readonly TimeSpan Command = TimeSpan.FromMinutes(2);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [ScaleRunFact]
    public async Task Scale_run_archives_every_image_exactly_once_with_the_coordinator_silo_killed_half_way()
    {
        int count = ScaleRunFactAttribute.Count;
        var report = ScaleRunFactAttribute.ReportFolder(temp.Sub("report"));
        await using var storage = new PersistentAzurite(temp.Sub("azurite"));
        await storage.StartAsync();
        var clusterId = "s" + Guid.NewGuid().ToString("N")[..10];
        var models = temp.Sub("models");
        CodecModel.Export(HificModel.CreateSeeded(HificPreset.Tiny, 1), Path.Combine(models, "hific-lite"), "hific-lite", CodecModel.DefaultRates(3), null, "test");
        var env = Env(storage.ConnectionString, clusterId, models);

        // The source: one flat container folder of real crops (the worst case for listing).
        var clock = Stopwatch.StartNew();
        var service = new BlobServiceClient(storage.ConnectionString, AzureServiceVersions.Blob());
        var photos = service.GetBlobContainerClient("photos");
        await photos.CreateIfNotExistsAsync();
        var sha = new string[count];
        using (var crops = new RealCrops(photosToLoad: 40, seed: 22))
        {
            var gate = new object();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                byte[] png;
                lock (gate) png = crops.Next();
                sha[i] = Convert.ToHexStringLower(SHA256.HashData(png));
                await photos.GetBlobClient($"in/{Name(i)}").UploadAsync(new BinaryData(png), overwrite: true, ct);
            });
        }
        output.WriteLine($"{count} crops uploaded in {clock.Elapsed.TotalSeconds:F0}s");

        var silos = new List<(HificProcess Process, int Port)>();
        HificProcess StartSilo()
        {
            int port = FreePort();
            var siloEnv = new Dictionary<string, string>(env) { ["HiFiC__Cluster__SiloPort"] = port.ToString(CultureInfo.InvariantCulture) };
            var p = HificProcess.Start(siloEnv, "silo", "--threads", "1");
            silos.Add((p, port));
            return p;
        }
        var queue = new QueueClient(storage.ConnectionString, "q-" + clusterId, AzureServiceVersions.Queue());
        var state = new TableClient(storage.ConnectionString, "OrleansGrainState");
        var rows = new List<Sample>();
        try
        {
            var a = StartSilo();
            var b = StartSilo();
            await a.WaitForErrAsync("joined cluster", Command);
            await b.WaitForErrAsync("joined cluster", Command);
            var submit = await HificProcess.RunAsync(env, Command, "job", "submit", "azblob://photos/in", "--out", "azblob://archive/v1", "--max-attempts", "5");
            Assert.True(submit.Code == 0, submit.Err);
            var jobId = submit.Out.Trim();
            var run = Stopwatch.StartNew();
            var interval = TimeSpan.FromSeconds(count <= 2000 ? 3 : count <= 20000 ? 8 : 20);
            double? killedAt = null;
            long doneAtKill = 0;
            string? killed = null;
            var csv = Path.Combine(report, $"scale-{count}.csv");
            File.WriteAllText(csv, Sample.Header + "\n");
            JsonNode status;
            while (true)
            {
                // A status command that a loaded machine starves is a missed sample, not a failed run.
                if (await TryStatusAsync(env, jobId) is not { } s)
                {
                    output.WriteLine($"{run.Elapsed.TotalSeconds:F0}s: job status did not answer in time; sampling again");
                    continue;
                }
                status = s;
                var host = status["hostSilo"]?.GetValue<string>() ?? "";
                var coordinator = silos.FirstOrDefault(s => host.Contains($":{s.Port}:", StringComparison.Ordinal));
                var sample = new Sample(
                    run.Elapsed.TotalSeconds,
                    status["done"]!.GetValue<long>(),
                    status["queued"]!.GetValue<long>(),
                    status["outstanding"]!.GetValue<int>(),
                    await QueueDepthAsync(queue),
                    await StateBytesAsync(state, jobId),
                    silos.Where(s => !s.Process.HasExited).Sum(s => RssMb(s.Process.Id)),
                    coordinator.Process is { HasExited: false } c ? RssMb(c.Id) : 0,
                    silos.Count(s => !s.Process.HasExited));
                rows.Add(sample);
                output.WriteLine(sample.Csv());
                // Written as it goes: a run cut short still leaves its curve.
                File.AppendAllText(csv, sample.Csv() + "\n");
                if (status["finishedUtc"] is not null) break;
                if (killedAt is null && sample.Done >= count / 2 && coordinator.Process is { HasExited: false } victim)
                {
                    victim.Kill();
                    killedAt = run.Elapsed.TotalSeconds;
                    doneAtKill = sample.Done;
                    killed = host;
                    output.WriteLine($"coordinator silo {host} SIGKILLed at {killedAt:F0}s with {sample.Done}/{count} done");
                    var c2 = StartSilo();
                    await c2.WaitForErrAsync("joined cluster", Command);
                    continue;
                }
                await Task.Delay(interval);
            }
            double total = run.Elapsed.TotalSeconds;

            // Count from the archive itself, not from the job's counters.
            clock.Restart();
            var archive = service.GetBlobContainerClient("archive");
            var names = new List<string>();
            await foreach (var blob in archive.GetBlobsAsync(BlobTraits.None, BlobStates.None, "v1/", default))
                if (!blob.Name["v1/".Length..].Split('/').Any(s => s.StartsWith('.'))) names.Add(blob.Name["v1/".Length..]);
            var manifests = names.Where(n => n.EndsWith(ArchiveNaming.ManifestSuffix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            int archived = Enumerable.Range(0, count).Count(i => manifests.Contains(ArchiveNaming.Manifest(Name(i))));
            int outputs = names.Count - manifests.Count;
            int duplicates = names.Count - names.Distinct(StringComparer.Ordinal).Count() + Math.Max(0, manifests.Count - archived) + Math.Max(0, outputs - archived);
            // Every manifest of a sample of images names the source's exact bytes and an output that exists with its hash.
            int bad = 0, sampleSize = Math.Min(count, 200);
            foreach (var i in Enumerable.Range(0, sampleSize).Select(k => (int)((long)k * count / sampleSize)))
            {
                var m = ArchiveManifest.FromJson((await archive.GetBlobClient("v1/" + ArchiveNaming.Manifest(Name(i))).DownloadContentAsync()).Value.Content.ToArray());
                var stream = (await archive.GetBlobClient("v1/" + m.Output).DownloadContentAsync()).Value.Content.ToArray();
                if (m.SourceSha256 != sha[i] || m.OutputSha256 != Convert.ToHexStringLower(SHA256.HashData(stream))) bad++;
            }
            output.WriteLine($"archive counted in {clock.Elapsed.TotalSeconds:F0}s");

            long failed = status["failed"]!.GetValue<long>();
            int lost = count - archived - (int)failed;
            var table = Report(count, rows, total, killedAt, doneAtKill, killed, status, archived, duplicates, lost, bad, sampleSize, names.Count);
            output.WriteLine(table);
            File.WriteAllText(Path.Combine(report, $"scale-{count}.md"), table);

            Assert.Equal(0, lost);
            Assert.Equal(0, duplicates);
            Assert.Equal(0, bad);
            Assert.Equal((count, 0L), (archived, failed));
            Assert.NotNull(killedAt);
        }
        catch
        {
            for (int i = 0; i < silos.Count; i++) output.WriteLine($"silo {i} (port {silos[i].Port}):\n{Tail(silos[i].Process.Err)}");
            throw;
        }
        finally
        {
            foreach (var s in silos) s.Process.Dispose();
        }
    }

    private static string Report(int count, List<Sample> rows, double total, double? killedAt, long doneAtKill, string? killed, JsonNode status,
        int archived, int duplicates, int lost, int bad, int sampleSize, int blobs)
    {
        // Steady rate: the minute (or the stretch) before the kill; the time lost is how much longer the rest took than that rate predicts.
        double Rate(double from, double to)
        {
            var s = rows.Where(r => r.Seconds >= from && r.Seconds <= to).ToList();
            return s.Count < 2 || s[^1].Seconds <= s[0].Seconds ? 0 : (s[^1].Done - s[0].Done) / (s[^1].Seconds - s[0].Seconds);
        }
        double before = killedAt is { } k ? Rate(Math.Max(0, k - 60), k) : Rate(0, total);
        double stall = killedAt is { } k2 ? (rows.FirstOrDefault(r => r.Seconds > k2 && r.Done > doneAtKill)?.Seconds ?? total) - k2 : 0;
        double lostTime = killedAt is { } k3 && before > 0 ? (total - k3) - (count - doneAtKill) / before : 0;
        var enumerating = rows.Zip(rows.Skip(1)).Where(p => p.Second.Queued > p.First.Queued).ToList();
        double pagesPerSecond = enumerating.Count == 0 ? 0 : enumerating.Sum(p => (p.Second.Queued - p.First.Queued) / (double)PageSize) / enumerating.Sum(p => p.Second.Seconds - p.First.Seconds);
        var sb = new StringBuilder()
            .AppendLine($"Scale run: {count} real crops (32–64 px) in one flat Azurite container, Azure Storage queue, 2 `hific silo` processes (1 model thread, 2 consumers each), tiny seeded model; machine shared (2 cores).")
            .AppendLine()
            .AppendLine("| images | archived | failed | duplicated | lost | manifests checked (bad) | archive blobs | wall time | mean items/s | items/s before kill | enumeration pages/s (while listing) | peak queue depth | coordinator state max (bytes) | silos' RSS max (MB) | coordinator RSS max (MB) |")
            .AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine($"| {count} | {archived} | {status["failed"]} | {duplicates} | {lost} | {sampleSize} ({bad}) | {blobs} | {total:F0} s | {count / total:F1} | {before:F1} | {pagesPerSecond:F2} | {rows.Max(r => r.QueueDepth)} | {rows.Max(r => r.StateBytes)} | {rows.Max(r => r.SilosRssMb):F0} | {rows.Max(r => r.CoordinatorRssMb):F0} |")
            .AppendLine()
            .AppendLine(killedAt is null ? "The coordinator's silo was not killed (the job ended before half way was sampled)." :
                $"Recovery: the coordinator's silo {killed} was SIGKILLed at {killedAt:F0} s with {doneAtKill}/{count} done; done grew again {stall:F0} s later; " +
                $"time lost against the pre-kill rate: {lostTime:F0} s. Redundant completions counted once (duplicateReports): {status["duplicateReports"]}.")
            .AppendLine()
            .AppendLine("State size over the run (bytes of the coordinator's Azure Table entity, sampled): " +
                string.Join(", ", Thin(rows, 12).Select(r => $"{r.Done} done → {r.StateBytes}")));
        return sb.ToString();
    }

    private static IEnumerable<Sample> Thin(List<Sample> rows, int n) =>
        rows.Count <= n ? rows : Enumerable.Range(0, n).Select(i => rows[(int)((long)i * (rows.Count - 1) / (n - 1))]);

    private static string Name(int i) => $"img{i:D6}.png";

    private sealed record Sample(double Seconds, long Done, long Queued, int Outstanding, long QueueDepth, long StateBytes, double SilosRssMb, double CoordinatorRssMb, int Silos)
    {
        public const string Header = "seconds,done,queued,outstanding,queue_depth,state_bytes,silos_rss_mb,coordinator_rss_mb,silos";
        public string Csv() => string.Create(CultureInfo.InvariantCulture, $"{Seconds:F1},{Done},{Queued},{Outstanding},{QueueDepth},{StateBytes},{SilosRssMb:F0},{CoordinatorRssMb:F0},{Silos}");
    }

    private static async Task<long> QueueDepthAsync(QueueClient queue)
    {
        try { return (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount; }
        catch (global::Azure.RequestFailedException) { return -1; }
    }

    /// <summary>What the coordinator's state costs in its Azure Table entity: every data property's bytes.</summary>
    private static async Task<long> StateBytesAsync(TableClient table, string jobId)
    {
        long bytes = 0;
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(maxPerPage: 100))
            {
                if (!(e.RowKey + e.PartitionKey).Contains(jobId, StringComparison.OrdinalIgnoreCase)) continue;
                foreach (var (k, v) in e)
                    bytes += k is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" ? 0
                        : v switch { byte[] d => d.Length, string s => Encoding.UTF8.GetByteCount(s), BinaryData d => d.ToMemory().Length, _ => 8 };
            }
        }
        catch (global::Azure.RequestFailedException) { return -1; }
        return bytes;
    }

    private static double RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { return 0; }
    }

    private static async Task<JsonNode?> TryStatusAsync(Dictionary<string, string> env, string jobId)
    {
        try
        {
            var status = await HificProcess.RunAsync(env, TimeSpan.FromMinutes(5), "job", "status", jobId, "--json");
            return status.Code == 0 ? JsonNode.Parse(status.Out) : null;
        }
        catch (TimeoutException) { return null; }
    }

    private static Dictionary<string, string> Env(string connection, string clusterId, string models) => new()
    {
        ["HiFiC__Cluster__Clustering"] = "AzureTable",
        ["HiFiC__Cluster__ClusterId"] = clusterId,
        ["HiFiC__Cluster__SiloPort"] = "0",
        ["HiFiC__Cluster__GatewayPort"] = "0",
        // Lenient enough that a starved machine does not declare a live silo dead (1 missed probe of 2 s did, once, at start).
        ["HiFiC__Cluster__Membership__ProbeTimeout"] = "00:00:05",
        ["HiFiC__Cluster__Membership__NumMissedProbesLimit"] = "2",
        ["HiFiC__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
        ["HiFiC__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
        ["HiFiC__AzureStorage__ConnectionString"] = connection,
        ["HiFiC__Queue__Provider"] = "AzureStorageQueue",
        ["HiFiC__Queue__Name"] = "q-" + clusterId,
        ["HiFiC__Queue__VisibilityTimeout"] = "00:00:10",
        ["HiFiC__ModelPool__Instances"] = "1",
        ["HiFiC__ModelPool__ThreadsPerInstance"] = "1",
        ["HiFiC__Worker__Consumers"] = "2",
        ["HiFiC__Worker__PollInterval"] = "00:00:00.2",
        ["HiFiC__Worker__ProgressInterval"] = "00:00:00.5",
        ["HiFiC__Worker__PhaseRefresh"] = "00:00:01",
        ["HiFiC__Jobs__Tick"] = "00:00:00.1",
        ["HiFiC__Jobs__PageSize"] = PageSize.ToString(CultureInfo.InvariantCulture),
        ["HiFiC__Jobs__LossCheckInterval"] = "00:00:30",
        ["HiFiC__Silo__OrleansDashboard"] = "false",
        ["HIFIC_MODELS"] = models,
    };

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
