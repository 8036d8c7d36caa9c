using HiFiC.Cluster.Silo.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using HiFiC.Cluster.Contracts.Archive;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// Issue 17.6: the embedded web host (its own silo, in-process queue, job state in a folder) is
/// SIGKILLed mid-job and started again on the same state folder. The queue died with the process;
/// the coordinator, woken by the dashboard's job sampling, sees that the queue holds none of its
/// items in flight and enqueues them again, and the job finishes with every image archived once.
/// </summary>
public sealed class EmbeddedRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string root = Path.Combine(Path.GetTempPath(), "hific-restart-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_embedded_web_host_killed_mid_job_and_restarted_with_its_state_folder_finishes_the_job_with_every_image_archived_once()
    {
        const int count = 30;
        var data = Path.Combine(root, "data");
        WebHostFixture.WriteImages(Path.Combine(data, "photos"), count, 256);
        var archive = Path.Combine(data, "archive");
        int port = LoopbackPorts.Next();
        var env = new Dictionary<string, string>
        {
            ["HiFiC__Web__ApiKey"] = WebHostFixture.Key,
            ["HiFiC__Web__Roots__0"] = data,
            ["HiFiC__Web__StateFolder"] = Path.Combine(root, "state"),
            ["HiFiC__Web__SampleInterval"] = "00:00:00.5",
            // The shipped lite model: a fraction of a second per image, so the kill lands mid-job.
            ["HIFIC_MODELS"] = Path.Combine(RepoPaths.Root, "models"),
            ["HiFiC__ModelPool__Instances"] = "1",
            ["HiFiC__ModelPool__ThreadsPerInstance"] = "1",
            ["HiFiC__Worker__PollInterval"] = "00:00:00.2",
            ["HiFiC__Worker__ProgressInterval"] = "00:00:00.1",
            ["HiFiC__Jobs__Tick"] = "00:00:00.05",
        };
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", WebHostFixture.Key);
        var jobId = "restart-" + Guid.NewGuid().ToString("N")[..8];

        var first = HificProcess.Start(env, "web", "--urls", $"http://127.0.0.1:{port}");
        HificProcess? second = null;
        try
        {
            await PollAsync(http, "/api/cluster", c => c["silos"]!.AsArray().Count == 1, first);
            var created = await http.PostAsJsonAsync("/api/jobs", new { id = jobId, source = "photos", destination = "archive", tileSize = 256 });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            int atKill = await WaitForManifestsAsync(archive, 3);
            first.Kill();
            await first.WaitForExitAsync(Timeout);
            output.WriteLine($"web host SIGKILLed with {atKill} of {count} archived");
            Assert.True(atKill < count, "the job ended before the kill");

            second = HificProcess.Start(env, "web", "--urls", $"http://127.0.0.1:{port}");
            var job = await PollAsync(http, $"/api/jobs/{jobId}", j => j["status"]!["phase"]!.GetValue<string>() is "Done" or "Failed" or "Cancelled", second);
            output.WriteLine(job["status"]!.ToJsonString());
            Assert.Equal(("Done", (long)count, 0L), (job["status"]!["phase"]!.GetValue<string>(), job["status"]!["done"]!.GetValue<long>(), job["status"]!["failed"]!.GetValue<long>()));

            // Each image once: its bitstream and its manifest. (A write cut by the kill may leave a
            // hidden .tmp beside them: never an entry, and never read.)
            var files = Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(archive, f).Replace('\\', '/')).ToList();
            var entries = files.Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
            var photos = Path.Combine(data, "photos");
            var images = Directory.EnumerateFiles(photos, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(photos, f).Replace('\\', '/')).ToList();
            Assert.Equal(images.SelectMany(i => new[] { ArchiveNaming.Bitstream(i!), ArchiveNaming.Manifest(i!) }).Order(StringComparer.Ordinal), entries);
            output.WriteLine($"{files.Count - entries.Count} leftover temporary file(s)");
            Assert.Contains("enqueued again", second.Out + second.Err);
        }
        catch
        {
            output.WriteLine("first:\n" + first.Out + first.Err);
            if (second is not null) output.WriteLine("second:\n" + second.Out + second.Err);
            throw;
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    private static Task<int> WaitForManifestsAsync(string folder, int count) =>
        Poll.ForFilesAsync(folder, "*" + ArchiveNaming.ManifestSuffix, count, Timeout);

    private static async Task<JsonNode> PollAsync(HttpClient http, string path, Func<JsonNode, bool> until, HificProcess web)
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
                if (r.IsSuccessStatusCode && until(JsonNode.Parse(last[4..])!)) return JsonNode.Parse(last[4..])!;
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException e) { last = e.Message; }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{path} did not answer as expected within {Timeout}: {last}");
    }
}
