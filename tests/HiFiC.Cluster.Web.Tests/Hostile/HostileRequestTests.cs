using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HiFiC.Cluster.Contracts.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Web.Tests.Hostile;

/// <summary>
/// Hostile requests against the real web host (issue 18): each attack of <see cref="Attacks"/> is
/// refused with its 4xx, names the field it refuses, returns nothing that lies outside what the
/// jobs archived, and leaves everything outside the root exactly as it was.
/// </summary>
public sealed class HostileRequestTests(HostileHostFixture host, ITestOutputHelper output) : IClassFixture<HostileHostFixture>
{
    [Fact]
    public void The_table_has_at_least_40_attacks_with_unique_names()
    {
        Assert.True(Attacks.All.Length >= 40, $"{Attacks.All.Length} attacks");
        Assert.Equal(Attacks.All.Length, Attacks.All.Select(a => a.Name).Distinct().Count());
        Assert.All(Attacks.All, a => Assert.InRange(a.Expected, 400, 499));
    }

    [Theory]
    [MemberData(nameof(Attacks.Names), MemberType = typeof(Attacks))]
    public async Task Attack_is_refused_and_nothing_outside_the_roots_is_read_or_written(string name)
    {
        var attack = Attacks.All.Single(a => a.Name == name);
        var (status, body) = await SendAsync(attack);
        output.WriteLine($"{attack.Name} | {attack.Endpoint} | {attack.Expected} | {status}: {body[..Math.Min(body.Length, 300)]}");

        Assert.True(status == attack.Expected, $"expected {attack.Expected}, got {status}: {body}");
        if (attack.Field is not null)
            Assert.True(JsonNode.Parse(body)?["errors"]?[attack.Field] is not null, $"the 400 does not name '{attack.Field}': {body}");
        foreach (var secret in HostileHostFixture.Secrets) Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(host.Outside, body);
        Assert.Equal(host.OutsideSnapshot, host.SnapshotOutside());
    }

    private async Task<(int Status, string Body)> SendAsync(Attack attack)
    {
        // An oversized body goes with "Expect: 100-continue" and waits for the answer: the server refuses
        // it from its Content-Length without reading it, and a client still sending 1 MiB to a server
        // that already answered and closed would see a broken pipe instead of the 413 (a race, not a result).
        bool oversized = attack.Body is { Length: > (int)HiFiC.Cluster.Web.Hosting.HificWeb.MaxApiBodyBytes };
        using var client = oversized
            ? new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { Timeout = TimeSpan.FromSeconds(60) }
            : host.Client(key: false);
        var url = attack.Url.Replace("{root}", host.Root).Replace("{outside}", host.Outside);
        // Sent as written: no client-side unescaping or dot-segment removal.
        var uri = new Uri(host.BaseAddress.GetLeftPart(UriPartial.Authority) + url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(attack.Method), uri);
        if (attack.Body is not null)
        {
            var text = attack.Body.Replace("{root}", host.Root).Replace("{outside}", host.Outside);
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = new(attack.ContentType) { CharSet = "utf-8" };
            if (oversized) request.Headers.ExpectContinue = true;
        }
        switch (attack.Key)
        {
            case KeyUse.Valid: request.Headers.Add("X-Api-Key", WebHostFixture.Key); break;
            case KeyUse.Wrong: request.Headers.Add("X-Api-Key", "not-the-key"); break;
            case KeyUse.Longer: request.Headers.Add("X-Api-Key", WebHostFixture.Key + "0"); break;
            case KeyUse.CookieOnPost: request.Headers.Add("Cookie", $"hific-api-key={WebHostFixture.Key}"); break;
            case KeyUse.Huge: request.Headers.Add("X-Api-Key", WebHostFixture.Key + new string('k', 8192 - WebHostFixture.Key.Length)); break;
        }
        // The trace stream never ends once allowed: read headers only, and a bounded start of the body.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[256 * 1024];
        int total = 0, n;
        while (total < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(total), cts.Token)) > 0) total += n;
        return ((int)response.StatusCode, Encoding.UTF8.GetString(buffer, 0, total));
    }

    [Fact]
    public async Task The_trapped_source_archived_only_its_own_images()
    {
        using var client = host.Client();
        var status = JsonNode.Parse(await client.GetStringAsync("/api/jobs/good"))!["status"]!;
        Assert.Equal("Done", status["phase"]!.GetValue<string>());
        // img0, set/img1, img2, set/img3; notes.txt skipped; hidden, links out, dangling and looping links never listed.
        Assert.Equal(4, status["done"]!.GetValue<long>());
        Assert.Equal(0, status["failed"]!.GetValue<long>());
        Assert.Equal(1, status["skipped"]!.GetValue<long>());
        var archived = Directory.EnumerateFiles(Path.Combine(host.Root, "archive"), "*.hific", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(host.Root, "archive"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["img0.png.hific", "img2.png.hific", "set/img1.png.hific", "set/img3.png.hific"], archived);
        // What the job archived is served.
        var original = await client.GetAsync("/api/originals/set/img1.png?job=good");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(host.Root, "originals", "set", "img1.png")), await original.Content.ReadAsByteArrayAsync());
        Assert.Equal(host.OutsideSnapshot, host.SnapshotOutside());
    }

    [Fact]
    public async Task A_job_submitted_straight_to_the_grain_as_the_cli_does_is_checked_by_the_silo()
    {
        var grains = host.App.Services.GetRequiredService<IGrainFactory>();
        var spec = new JobSpec { Source = "/etc", Destination = Path.Combine(host.Root, "cli-archive"), RateName = "mi", TileSize = 64, MaxAttempts = 1 };
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => grains.GetGrain<IArchiveJobGrain>("cli-outside").StartAsync(spec));
        Assert.StartsWith("source ", e.Message);
        var link = spec with { Source = Path.Combine(host.Root, "originals", "r", "etc") };
        Assert.StartsWith("source ", (await Assert.ThrowsAnyAsync<ArgumentException>(() => grains.GetGrain<IArchiveJobGrain>("cli-link").StartAsync(link))).Message);
        var encoded = spec with { Source = Path.Combine(host.Root, "%2e%2e", "outside") };
        Assert.StartsWith("source ", (await Assert.ThrowsAnyAsync<ArgumentException>(() => grains.GetGrain<IArchiveJobGrain>("cli-encoded").StartAsync(encoded))).Message);
        using var client = host.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/jobs/cli-outside")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(host.Root, "cli-archive")));
        Assert.Equal(host.OutsideSnapshot, host.SnapshotOutside());
    }

    [Fact]
    public async Task With_public_read_only_status_is_open_but_the_orleans_dashboard_still_needs_the_key()
    {
        using var anonymous = host.Client(key: false);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/jobs/good")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/orleans/")).StatusCode);
        using var keyed = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/orleans/")).StatusCode);
    }

    [Fact]
    public async Task Jobs_outside_the_roots_are_left_out_of_the_public_job_list()
    {
        using var anonymous = host.Client(key: false);
        var ids = JsonNode.Parse(await anonymous.GetStringAsync("/api/jobs"))!.AsArray().Select(j => j!["status"]!["jobId"]!.GetValue<string>()).ToList();
        Assert.Contains("good", ids);
        Assert.DoesNotContain("swapped", ids);
    }

    [Fact]
    public async Task A_folder_whose_name_holds_percent_signs_still_works()
    {
        var folder = Path.Combine(host.Root, "100% done", "a%20b");
        WebHostFixture.WriteImages(folder, 1, 64);
        using var client = host.Client();
        var status = await HostileHostFixture.RunJobAsync(client, new { id = "percent", source = "100% done/a%20b", destination = "archive-percent", tileSize = 64 });
        Assert.Equal(("Done", 1L), (status["phase"]!.GetValue<string>(), status["done"]!.GetValue<long>()));
        Assert.Equal(folder, status["spec"]!["source"]!.GetValue<string>());
        var original = await client.GetAsync("/api/originals/img0.png?job=percent");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
    }
}
