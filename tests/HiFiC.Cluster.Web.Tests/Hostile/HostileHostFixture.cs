using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace HiFiC.Cluster.Web.Tests.Hostile;

/// <summary>
/// The real web host (embedded silo, tiny model, PublicReadOnly=true) over a root that holds
/// traps: links out of the root (to '/', to a folder and a file outside), link loops, a hidden
/// file and a non-image beside the photos. Outside the root lies a folder of sentinels whose
/// contents must never appear in a response and which must never change. Two jobs have run: "good"
/// over the trapped folder, and "swapped", whose source was afterwards replaced by a link out.
/// </summary>
public sealed class HostileHostFixture : IAsyncLifetime
{
    public static readonly string Marker = "SENTINEL-" + Guid.NewGuid().ToString("N");

    public string Temp { get; } = Path.Combine(Path.GetTempPath(), "hific-hostile-" + Guid.NewGuid().ToString("N")[..8]);
    public string Root => Path.Combine(Temp, "root");
    public string Outside => Path.Combine(Temp, "outside");
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>Everything under <see cref="Temp"/> outside the root (paths, sizes, write times) after setup.</summary>
    public IReadOnlyList<string> OutsideSnapshot { get; private set; } = [];
    private readonly List<string> links = [];

    /// <summary>Texts that only a read outside what the jobs archived could return.</summary>
    public static string[] Secrets => [Marker, "root:x:0:0"];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "sentinel.png"), Marker);
        File.WriteAllText(Path.Combine(Outside, "sentinel.txt"), Marker);
        var originals = Path.Combine(Root, "originals");
        WebHostFixture.WriteImages(originals, 4, 64);
        File.WriteAllText(Path.Combine(originals, ".secret.png"), "HIDDEN-" + Marker);
        File.WriteAllText(Path.Combine(originals, "notes.txt"), "NOTES-" + Marker);
        Link(Path.Combine(originals, "r"), "/", folder: true);
        Link(Path.Combine(originals, "out"), Outside, folder: true);
        Link(Path.Combine(originals, "outfile.png"), Path.Combine(Outside, "sentinel.png"), folder: false);
        Link(Path.Combine(originals, "loop"), originals, folder: true);
        Link(Path.Combine(originals, "self"), Path.Combine(originals, "self"), folder: false);
        Link(Path.Combine(originals, "dangling.png"), Path.Combine(Outside, "created-through-link.png"), folder: false);
        WebHostFixture.WriteImages(Path.Combine(Root, "swap-src"), 2, 64);

        App = await WebHostFixture.StartHostAsync(Root, ["--HiFiC:Web:PublicReadOnly=true"]);
        BaseAddress = new Uri(App.Urls.First());
        using (var client = Client())
        {
            await RunJobAsync(client, new { id = "good", source = "originals", destination = "archive", tileSize = 64 });
            await RunJobAsync(client, new { id = "swapped", source = "swap-src", destination = "swap-dst", tileSize = 64 });
        }
        // After the job: its source becomes a link out of the root (an operator's mistake, or an attacker with a shell).
        Directory.Move(Path.Combine(Root, "swap-src"), Path.Combine(Root, "swap-src-old"));
        Link(Path.Combine(Root, "swap-src"), Outside, folder: true);
        OutsideSnapshot = SnapshotOutside();
    }

    public HttpClient Client(bool key = true)
    {
        var c = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key) c.DefaultRequestHeaders.Add("X-Api-Key", WebHostFixture.Key);
        return c;
    }

    public static async Task<JsonNode> RunJobAsync(HttpClient client, object job)
    {
        var created = await client.PostAsJsonAsync("/api/jobs", job);
        var body = await created.Content.ReadAsStringAsync();
        if ((int)created.StatusCode != 201) throw new InvalidOperationException($"job not created: {(int)created.StatusCode} {body}");
        var id = JsonNode.Parse(body)!["status"]!["jobId"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = JsonNode.Parse(await client.GetStringAsync($"/api/jobs/{id}"))!["status"]!;
            if (status["phase"]!.GetValue<string>() is "Done" or "Failed") return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} did not finish: {status.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Every entry under <see cref="Temp"/> but outside the root, links not followed.</summary>
    public IReadOnlyList<string> SnapshotOutside()
    {
        var entries = new List<string>();
        void Walk(string dir)
        {
            foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (Path.GetFullPath(e.FullName) == Path.GetFullPath(Root)) continue;
                entries.Add($"{Path.GetRelativePath(Temp, e.FullName)} {(e is FileInfo f ? f.Length : -1)} {e.LastWriteTimeUtc:O}");
                if (e is DirectoryInfo d && e.LinkTarget is null) Walk(d.FullName);
            }
        }
        Walk(Temp);
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    private void Link(string path, string target, bool folder)
    {
        if (folder) Directory.CreateSymbolicLink(path, target);
        else File.CreateSymbolicLink(path, target);
        links.Add(path);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await App.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            await App.DisposeAsync();
        }
        // The links go first, so that no recursive delete could ever follow one out ('r' leads to '/').
        foreach (var l in links)
            try { File.Delete(l); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        try { Directory.Delete(Temp, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
