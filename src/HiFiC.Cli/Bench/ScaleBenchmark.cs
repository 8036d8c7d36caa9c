using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using HiFiC.Cli.Cluster;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace HiFiC.Cli.Bench;

/// <summary>What `hific bench scale` runs: see <see cref="ScaleBenchmark"/>.</summary>
public sealed record ScaleBenchmarkOptions(
    string ConnectionString, int Images, int Silos, int Coordinators, HificPreset Preset, string ReportFolder,
    bool KillCoordinator, int PageSize, int MaxInFlight, int Consumers, int ReceiveBatch, string ClusterId);

/// <summary>
/// Issue 22's scale benchmark. N generated images (32–64 px per side, photo-like synthetic content,
/// named bench-gen-NNNNNNN.png) are written into one flat folder of an Azure Storage container
/// (Azurite on a development machine) and archived through an Azure Storage queue by real `hific silo`
/// processes (Azure Table membership, job state and reminders; a seeded model of the chosen preset
/// through the real codec). Every few seconds it samples the job's status, the queue's depth, the
/// coordinators' persisted state (the bytes of their entities in the OrleansGrainState table) and
/// every silo's RSS and CPU time; at half way it SIGKILLs the silo hosting the job's grain and starts
/// a fresh one. At the end it counts the archive blob by blob and checks 200 manifests' hashes.
/// </summary>
public sealed class ScaleBenchmark(CliContext cli, ScaleBenchmarkOptions o)
{
    private static readonly TimeSpan Join = TimeSpan.FromMinutes(3);
    private readonly List<SiloProcess> silos = [];
    private readonly List<ScaleSample> rows = [];

    public string SourceContainer => $"bench-scale-gen-{o.ClusterId}";
    public string ArchiveContainer => $"bench-scale-archive-{o.ClusterId}";

    private static string Name(int i) => $"bench-gen-{i:D7}.png";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(o.ReportFolder);
        var models = Path.Combine(Path.GetTempPath(), $"hific-bench-scale-{o.ClusterId}");
        // Seeded weights: the codec's work per pixel is the trained model's; its output is not meant to look good.
        CodecModel.Export(HificModel.CreateSeeded(o.Preset, 1), Path.Combine(models, ModelRegistry.DefaultModelId), ModelRegistry.DefaultModelId, CodecModel.DefaultRates(o.Preset.RateLevels), null, "bench scale (seeded weights)");
        var env = SiloEnvironment(models);
        try
        {
            var sha = await UploadAsync(ct);
            return await ArchiveAsync(env, sha, ct);
        }
        finally
        {
            foreach (var s in silos) s.Dispose();
            try { Directory.Delete(models, true); } catch (IOException) { }
        }
    }

    private async Task<string[]> UploadAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var service = new BlobServiceClient(o.ConnectionString, AzureServiceVersions.Blob());
        var container = service.GetBlobContainerClient(SourceContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var sha = new string[o.Images];
        long done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Images), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var rng = new Random(i);
            var image = BenchImage.Create(rng.Next(32, 65), rng.Next(32, 65), seed: i);
            using var png = new MemoryStream();
            ImageIO.SavePng(png, image.Rgb);
            var bytes = png.ToArray();
            sha[i] = Convert.ToHexStringLower(SHA256.HashData(bytes));
            await container.GetBlobClient($"in/{Name(i)}").UploadAsync(new BinaryData(bytes), overwrite: true, token);
            if (Interlocked.Increment(ref done) % 5000 == 0) cli.Info($"bench scale: {done}/{o.Images} generated images uploaded");
        });
        cli.Info($"bench scale: {o.Images} generated images uploaded to {SourceContainer}/in in {clock.Elapsed.TotalSeconds:F0} s");
        return sha;
    }

    private SiloProcess StartSilo(Dictionary<string, string> env)
    {
        var s = SiloProcess.Start(env, HiFiC.Cluster.Silo.Hosting.LoopbackPorts.Next(), threads: 1);
        silos.Add(s);
        return s;
    }

    private async Task<int> ArchiveAsync(Dictionary<string, string> env, string[] sha, CancellationToken ct)
    {
        for (int i = 0; i < o.Silos; i++) StartSilo(env);
        try
        {
            foreach (var s in silos.ToList()) await s.WaitJoinedAsync(Join, ct);
        }
        catch
        {
            foreach (var s in silos) cli.Info($"silo {s.Port}:\n{s.Tail()}");
            throw;
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(env.Where(kv => kv.Key.StartsWith("HiFiC__", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value))).Build();
        await using var client = await ClusterHost.ConnectAsync(cli, config, ct);
        var jobId = $"bench-scale-{o.ClusterId}";
        var job = client.Client.GetGrain<IArchiveJobGrain>(jobId);
        await job.StartAsync(new JobSpec
        {
            Source = $"azblob://{SourceContainer}/in", Destination = $"azblob://{ArchiveContainer}/v1", MaxAttempts = 5, Coordinators = o.Coordinators,
        });
        cli.Info($"bench scale: job {jobId} started over {o.Coordinators} coordinator(s), {o.Silos} silos");

        var queue = new QueueClient(o.ConnectionString, "q-" + o.ClusterId, AzureServiceVersions.Queue());
        var table = new TableClient(o.ConnectionString, "OrleansGrainState");
        var csv = Path.Combine(o.ReportFolder, $"scale-{o.Images}.csv");
        await File.WriteAllTextAsync(csv, ScaleSample.Header + "\n", ct);
        var interval = TimeSpan.FromSeconds(o.Images <= 2000 ? 3 : o.Images <= 20000 ? 8 : 20);
        var run = Stopwatch.StartNew();
        double? killedAt = null;
        long doneAtKill = 0;
        string? killedHost = null;
        JobStatus status;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // A call that a killed silo's membership change or a starved machine holds up is a missed sample, not a failed run.
            JobStatus? s = null;
            try { s = await job.GetStatusAsync().WaitAsync(TimeSpan.FromMinutes(2), ct); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { cli.Info($"{run.Elapsed.TotalSeconds:F0} s: no status ({e.GetType().Name}); sampling again"); }
            if (s is null) { await Task.Delay(TimeSpan.FromSeconds(2), ct); continue; }
            status = s;
            var host = status.HostSilo ?? "";
            var coordinator = silos.FirstOrDefault(x => host.Contains($":{x.Port}:", StringComparison.Ordinal));
            var (stateBytes, stateMax) = await StateBytesAsync(table, jobId, ct);
            var sample = new ScaleSample(run.Elapsed.TotalSeconds, status.Done, status.Queued, status.Outstanding, await QueueDepthAsync(queue, ct),
                stateBytes, stateMax, silos.Sum(x => x.RssMb()), coordinator?.RssMb() ?? 0, silos.Sum(x => x.CpuSeconds()), silos.Count(x => !x.HasExited));
            rows.Add(sample);
            await File.AppendAllTextAsync(csv, sample.Csv() + "\n", ct);
            if (rows.Count % 10 == 1) cli.Info($"{sample.Seconds:F0} s: {sample.Done}/{o.Images} done, {sample.Queued} queued, queue depth {sample.QueueDepth}, state {sample.StateBytes} B");
            // Terminal, not just FinishedUtc: until the job's end is published its status still says Running
            // (with FinishedUtc set), and a run that stopped sampling then was reported as failed with clean counts.
            if (status.Phase.IsTerminal()) break;
            if (o.KillCoordinator && killedAt is null && sample.Done >= o.Images / 2 && coordinator is { HasExited: false } victim)
            {
                victim.Kill();
                killedAt = run.Elapsed.TotalSeconds;
                doneAtKill = sample.Done;
                killedHost = host;
                cli.Info($"bench scale: the job grain's silo {host} SIGKILLed at {killedAt:F0} s with {sample.Done}/{o.Images} done; a fresh silo joins");
                await StartSilo(env).WaitJoinedAsync(Join, ct);
                continue;
            }
            await Task.Delay(interval, ct);
        }
        double total = run.Elapsed.TotalSeconds;

        var (archived, duplicates, bad, checkedCount, blobs) = await CountArchiveAsync(sha, ct);
        long lost = o.Images - archived - status.Failed;
        var report = Report(status, total, killedAt, doneAtKill, killedHost, archived, duplicates, lost, bad, checkedCount, blobs);
        await File.WriteAllTextAsync(Path.Combine(o.ReportFolder, $"scale-{o.Images}.md"), report, ct);
        await File.WriteAllTextAsync(Path.Combine(o.ReportFolder, $"scale-{o.Images}.svg"), Svg(), ct);
        cli.Out.WriteLine(report);
        bool ok = lost == 0 && duplicates == 0 && bad == 0 && status.Phase == JobPhase.Done;
        // Say which check failed: a non-zero exit with clean counts is otherwise unexplained.
        if (!ok) cli.Info($"bench scale: not a clean run: job phase {status.Phase}{(status.Error is { } err ? $" ({err})" : "")}, {lost} lost, {duplicates} duplicated, {bad} bad manifests");
        return ok ? ExitCodes.Ok : ExitCodes.Internal;
    }

    /// <summary>Counted from the archive itself, not from the job's counters: one manifest per image, one output per manifest, nothing else.</summary>
    private async Task<(int Archived, int Duplicates, int Bad, int Checked, int Blobs)> CountArchiveAsync(string[] sha, CancellationToken ct)
    {
        var archive = new BlobServiceClient(o.ConnectionString, AzureServiceVersions.Blob()).GetBlobContainerClient(ArchiveContainer);
        var names = new List<string>();
        await foreach (var blob in archive.GetBlobsAsync(BlobTraits.None, BlobStates.None, "v1/", ct))
            if (!blob.Name["v1/".Length..].Split('/').Any(s => s.StartsWith('.'))) names.Add(blob.Name["v1/".Length..]);
        var manifests = names.Where(n => n.EndsWith(ArchiveNaming.ManifestSuffix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        int archived = Enumerable.Range(0, o.Images).Count(i => manifests.Contains(ArchiveNaming.Manifest(Name(i))));
        int outputs = names.Count - manifests.Count;
        int duplicates = names.Count - names.Distinct(StringComparer.Ordinal).Count() + Math.Max(0, manifests.Count - archived) + Math.Max(0, outputs - archived);
        int bad = 0, sample = Math.Min(o.Images, 200);
        foreach (var i in Enumerable.Range(0, sample).Select(k => (int)((long)k * o.Images / sample)))
        {
            try
            {
                var m = ArchiveManifest.FromJson((await archive.GetBlobClient("v1/" + ArchiveNaming.Manifest(Name(i))).DownloadContentAsync(ct)).Value.Content.ToArray());
                var stream = (await archive.GetBlobClient("v1/" + m.Output).DownloadContentAsync(ct)).Value.Content.ToArray();
                if (m.SourceSha256 != sha[i] || m.OutputSha256 != Convert.ToHexStringLower(SHA256.HashData(stream))) bad++;
            }
            catch (global::Azure.RequestFailedException) { bad++; }
        }
        return (archived, duplicates, bad, sample, names.Count);
    }

    private string Report(JobStatus status, double total, double? killedAt, long doneAtKill, string? killed,
        int archived, int duplicates, long lost, int bad, int sampleSize, int blobs)
    {
        // Steady rate: the minute before the kill; the time lost is how much longer the rest took than that rate predicts.
        double Rate(double from, double to)
        {
            var s = rows.Where(r => r.Seconds >= from && r.Seconds <= to).ToList();
            return s.Count < 2 || s[^1].Seconds <= s[0].Seconds ? 0 : (s[^1].Done - s[0].Done) / (s[^1].Seconds - s[0].Seconds);
        }
        double before = killedAt is { } k ? Rate(Math.Max(0, k - 60), k) : Rate(0, total);
        double stall = killedAt is { } k2 ? (rows.FirstOrDefault(r => r.Seconds > k2 && r.Done > doneAtKill)?.Seconds ?? total) - k2 : 0;
        double lostTime = killedAt is { } k3 && before > 0 ? (total - k3) - (o.Images - doneAtKill) / before : 0;
        var enumerating = rows.Zip(rows.Skip(1)).Where(p => p.Second.Queued > p.First.Queued).ToList();
        double pages = enumerating.Count == 0 ? 0 : enumerating.Sum(p => (p.Second.Queued - p.First.Queued) / (double)o.PageSize) / enumerating.Sum(p => p.Second.Seconds - p.First.Seconds);
        double cpu = rows.Count == 0 ? 0 : rows[^1].SilosCpuSeconds;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder()
            .AppendLine(inv, $"# hific bench scale: {o.Images:N0} images")
            .AppendLine()
            .AppendLine(Setup())
            .AppendLine()
            .AppendLine("| images | archived | failed | duplicated | lost | manifests checked (bad) | archive blobs | wall time | mean items/s | items/s before kill | enumeration pages/s (while listing) | peak queue depth | coordinators' state max, all grains (bytes) | one grain's state max (bytes) | silos' RSS max (MB) | job grain's silo RSS max (MB) | silos' CPU s per image |")
            .AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine(inv, $"| {o.Images} | {archived} | {status.Failed} | {duplicates} | {lost} | {sampleSize} ({bad}) | {blobs} | {total:F0} s | {o.Images / total:F1} | {before:F1} | {pages:F2} | {Max(r => r.QueueDepth)} | {Max(r => r.StateBytes)} | {Max(r => r.StateBytesMaxGrain)} | {Max(r => r.SilosRssMb):F0} | {Max(r => r.CoordinatorRssMb):F0} | {cpu / Math.Max(1, archived):F3} |")
            .AppendLine()
            .AppendLine(killedAt is null ? "The job grain's silo was not killed (the job ended before half way was sampled, or --no-kill)." :
                $"Recovery: the job grain's silo {killed} was SIGKILLed at {killedAt:F0} s with {doneAtKill}/{o.Images} done; done grew again {stall:F0} s later; " +
                $"time lost against the pre-kill rate: {lostTime:F0} s. Redundant completions counted once (duplicateReports): {status.DuplicateReports}.")
            .AppendLine()
            .AppendLine("State size over the run (bytes of the coordinators' Azure Table entities, sampled): " +
                string.Join(", ", Thin(12).Select(r => $"{r.Done} done → {r.StateBytes}")))
            .AppendLine()
            .AppendLine("Items/s over time (per sampling interval): " +
                string.Join(", ", rows.Zip(rows.Skip(1)).Where((_, i) => i % Math.Max(1, rows.Count / 12) == 0)
                    .Select(p => string.Create(inv, $"{p.Second.Seconds:F0} s → {(p.Second.Done - p.First.Done) / Math.Max(0.001, p.Second.Seconds - p.First.Seconds):F1}"))));
        return sb.ToString();
    }

    private string Setup()
    {
        var inv = CultureInfo.InvariantCulture;
        string load = File.Exists("/proc/loadavg") ? $", load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]}" : "";
        return string.Create(inv, $"{o.Images:N0} generated images (32–64 px, synthetic, bench-gen-*.png) in one flat Azure Storage container folder, Azure Storage queue, ") +
            string.Create(inv, $"{o.Silos} `hific silo` processes (1 model thread, {o.Consumers} consumers each receiving {o.ReceiveBatch} message(s) at a time), {o.Coordinators} coordinator grain(s), seeded {o.Preset.Name} model, ") +
            string.Create(inv, $"page {o.PageSize}, MaxInFlight {o.MaxInFlight} per coordinator. Machine: {System.Environment.ProcessorCount} cores{load}.");
    }

    private double Max(Func<ScaleSample, double> f) => rows.Count == 0 ? 0 : rows.Max(f);

    private IEnumerable<ScaleSample> Thin(int n) =>
        rows.Count <= n ? rows : Enumerable.Range(0, n).Select(i => rows[(int)((long)i * (rows.Count - 1) / (n - 1))]);

    /// <summary>The curves as an SVG (no plotting package): done, items/s, queue depth, state bytes, RSS.</summary>
    private string Svg()
    {
        var rates = rows.Zip(rows.Skip(1)).Select(p => (p.Second.Seconds, (p.Second.Done - p.First.Done) / Math.Max(0.001, p.Second.Seconds - p.First.Seconds))).ToList();
        var panels = new (string Title, List<(double T, double V)> Points)[]
        {
            ("images done", rows.Select(r => (r.Seconds, (double)r.Done)).ToList()),
            ("items/s", rates),
            ("queue depth", rows.Select(r => (r.Seconds, (double)r.QueueDepth)).ToList()),
            ("coordinators' state (bytes, all grains)", rows.Select(r => (r.Seconds, (double)r.StateBytes)).ToList()),
            ("silos' RSS (MB)", rows.Select(r => (r.Seconds, r.SilosRssMb)).ToList()),
            ("job grain's silo RSS (MB)", rows.Select(r => (r.Seconds, r.CoordinatorRssMb)).ToList()),
        };
        const int W = 560, H = 170, pad = 48;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H * panels.Length}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        double tMax = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Seconds));
        for (int i = 0; i < panels.Length; i++)
        {
            var (title, pts) = panels[i];
            int y0 = i * H;
            double vMax = pts.Count == 0 ? 1 : Math.Max(1e-9, pts.Max(p => p.V));
            var line = string.Join(' ', pts.Select(p => string.Create(inv, $"{pad + (W - pad - 10) * p.T / tMax:F1},{y0 + H - 25 - (H - 50) * Math.Max(p.V, 0) / vMax:F1}")));
            sb.Append(inv, $"<text x=\"{pad}\" y=\"{y0 + 16}\">{title} (max {vMax:N1})</text>\n")
              .Append(inv, $"<line x1=\"{pad}\" y1=\"{y0 + H - 25}\" x2=\"{W - 10}\" y2=\"{y0 + H - 25}\" stroke=\"#888\"/><line x1=\"{pad}\" y1=\"{y0 + 25}\" x2=\"{pad}\" y2=\"{y0 + H - 25}\" stroke=\"#888\"/>\n")
              .Append(inv, $"<text x=\"{W - 10}\" y=\"{y0 + H - 10}\" text-anchor=\"end\">{tMax:F0} s</text><text x=\"{pad}\" y=\"{y0 + H - 10}\">0 s</text>\n")
              .Append(inv, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"{line}\"/>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    private static async Task<long> QueueDepthAsync(QueueClient queue, CancellationToken ct)
    {
        try { return (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount; }
        catch (global::Azure.RequestFailedException) { return -1; }
    }

    /// <summary>What the coordinators' state costs in Azure Table entities (the job's grain and its shards): every data property's bytes, summed and the largest.</summary>
    private static async Task<(long Sum, long Max)> StateBytesAsync(TableClient table, string jobId, CancellationToken ct)
    {
        long sum = 0, max = 0;
        try
        {
            await foreach (var e in table.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: ct))
            {
                if (!(e.RowKey + e.PartitionKey).Contains(jobId, StringComparison.OrdinalIgnoreCase)) continue;
                long bytes = 0;
                foreach (var (k, v) in e)
                    bytes += k is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" ? 0
                        : v switch { byte[] d => d.Length, string s => Encoding.UTF8.GetByteCount(s), BinaryData d => d.ToMemory().Length, _ => 8 };
                sum += bytes;
                max = Math.Max(max, bytes);
            }
        }
        catch (global::Azure.RequestFailedException) { return (-1, -1); }
        return (sum, max);
    }

    private Dictionary<string, string> SiloEnvironment(string models) => new()
    {
        ["HiFiC__Cluster__Clustering"] = "AzureTable",
        ["HiFiC__Cluster__ClusterId"] = o.ClusterId,
        // Grain state and reminders are keyed by the service id: a run of its own, or an earlier run's
        // unfinished job wakes up in this cluster (its reminder fires) and its items fill this run's queue.
        ["HiFiC__Cluster__ServiceId"] = "bench-scale-" + o.ClusterId,
        ["HiFiC__Cluster__SiloPort"] = "0",
        ["HiFiC__Cluster__GatewayPort"] = "0",
        // Lenient enough that a starved machine does not declare a live silo dead.
        ["HiFiC__Cluster__Membership__ProbeTimeout"] = "00:00:05",
        ["HiFiC__Cluster__Membership__NumMissedProbesLimit"] = "2",
        ["HiFiC__Cluster__Membership__NumVotesForDeathDeclaration"] = "1",
        ["HiFiC__Cluster__Membership__TableRefreshTimeout"] = "00:00:02",
        ["HiFiC__AzureStorage__ConnectionString"] = o.ConnectionString,
        ["HiFiC__Queue__Provider"] = "AzureStorageQueue",
        ["HiFiC__Queue__Name"] = "q-" + o.ClusterId,
        ["HiFiC__Queue__VisibilityTimeout"] = "00:00:10",
        ["HiFiC__ModelPool__Instances"] = "1",
        ["HiFiC__ModelPool__ThreadsPerInstance"] = "1",
        ["HiFiC__Worker__Consumers"] = o.Consumers.ToString(CultureInfo.InvariantCulture),
        ["HiFiC__Worker__ReceiveBatch"] = o.ReceiveBatch.ToString(CultureInfo.InvariantCulture),
        ["HiFiC__Worker__PollInterval"] = "00:00:00.2",
        ["HiFiC__Worker__ProgressInterval"] = "00:00:00.5",
        ["HiFiC__Worker__PhaseRefresh"] = "00:00:01",
        ["HiFiC__Jobs__Tick"] = "00:00:00.1",
        ["HiFiC__Jobs__PageSize"] = o.PageSize.ToString(CultureInfo.InvariantCulture),
        ["HiFiC__Jobs__MaxInFlight"] = o.MaxInFlight.ToString(CultureInfo.InvariantCulture),
        ["HiFiC__Jobs__LossCheckInterval"] = "00:00:30",
        ["HiFiC__Silo__OrleansDashboard"] = "false",
        ["HIFIC_MODELS"] = models,
    };
}
