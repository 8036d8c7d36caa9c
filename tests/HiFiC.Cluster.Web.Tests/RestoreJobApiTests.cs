using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>POST /api/jobs/restore (issue 19 item 4) and the streamed GET /api/images against the real host (embedded silo, tiny model).</summary>
public sealed class RestoreJobApiTests(WebHostFixture host) : IClassFixture<WebHostFixture>
{
    private static async Task<JsonNode> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    private static async Task AssertProblem(HttpResponseMessage r, HttpStatusCode status, string? field = null)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        if (field is not null) Assert.True(JsonNode.Parse(body)!["errors"]?[field] is not null, body);
    }

    private async Task<JsonNode> WaitForEndAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonNode job;
        do
        {
            await Task.Delay(200);
            job = await Json(await host.Client.GetAsync($"/api/jobs/{id}"));
        } while (job["status"]!["phase"]!.GetValue<string>() is not ("Done" or "Failed" or "Cancelled") && DateTime.UtcNow < deadline);
        return job;
    }

    [Fact]
    public async Task A_restore_job_restores_an_archive_jobs_destination_as_jpeg_over_the_api()
    {
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsJsonAsync("/api/jobs", new { id = "rj-archive", source = "originals", destination = "archive-rj", tileSize = 64 })).StatusCode);
        Assert.Equal("Done", (await WaitForEndAsync("rj-archive"))["status"]!["phase"]!.GetValue<string>());

        // The streamed single restore: the body is whole and its length announced.
        var single = await host.Client.GetAsync("/api/images/set/img1.png?job=rj-archive&format=jpeg&quality=80");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var singleBytes = await single.Content.ReadAsByteArrayAsync();
        Assert.Equal(singleBytes.Length, single.Content.Headers.ContentLength);

        await AssertProblem(await host.Anonymous.PostAsJsonAsync("/api/jobs/restore", new { job = "rj-archive", destination = "restored-rj" }), HttpStatusCode.Unauthorized);
        var created = await host.Client.PostAsJsonAsync("/api/jobs/restore", new { id = "rj-restore", job = "rj-archive", destination = "restored-rj", format = "jpeg", quality = 80 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/jobs/rj-restore", created.Headers.Location?.OriginalString);

        var job = await WaitForEndAsync("rj-restore");
        var status = job["status"]!;
        Assert.Equal("Done", status["phase"]!.GetValue<string>());
        Assert.Equal("restore", status["spec"]!["kind"]!.GetValue<string>());
        Assert.Equal((6L, 0L, 0L), (status["done"]!.GetValue<long>(), status["failed"]!.GetValue<long>(), status["skipped"]!.GetValue<long>()));
        var folder = Path.Combine(host.Root, "restored-rj");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(s => s.StartsWith('.'))).Order().ToList(); // not the destination lock (hidden tool state)
        Assert.Equal(["img0.png.jpg", "img2.png.jpg", "img4.png.jpg", "set/img1.png.jpg", "set/img3.png.jpg", "set/img5.png.jpg"], files);
        // The same bytes as the single restore with the same parameters.
        Assert.Equal(singleBytes, await File.ReadAllBytesAsync(Path.Combine(folder, "set/img1.png.jpg")));
        Assert.Equal(files.Sum(f => new FileInfo(Path.Combine(folder, f)).Length), status["bytesOut"]!.GetValue<long>());
        // Nothing is "saved" by a restore: no negative savings or ratio below 1 in the job list.
        Assert.Null(job["bytesSaved"]);
        Assert.Null(job["ratio"]);

        // One folder, into another destination, by archive location.
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsJsonAsync("/api/jobs/restore", new { id = "rj-folder", archive = "archive-rj", folder = "set", destination = "restored-set" })).StatusCode);
        Assert.Equal(3, (await WaitForEndAsync("rj-folder"))["status"]!["done"]!.GetValue<long>());
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(host.Root, "restored-set"), "*.png", SearchOption.AllDirectories).Count());

        // Controls are the jobs' own.
        Assert.Equal("Done", (await Json(await host.Client.PostAsync("/api/jobs/rj-restore/pause", null)))["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_restore_job_input_gives_400_naming_the_field()
    {
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "/etc", destination = "r1" }), HttpStatusCode.BadRequest, "archive");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "archive-x/../../etc", destination = "r1" }), HttpStatusCode.BadRequest, "archive");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "../outside" }), HttpStatusCode.BadRequest, "destination");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "r1", format = "gif" }), HttpStatusCode.BadRequest, "format");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "r1", format = "webp", quality = 0 }), HttpStatusCode.BadRequest, "quality");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "r1", folder = "../x" }), HttpStatusCode.BadRequest, "folder");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "r1", folder = "a/%2e%2e/b" }), HttpStatusCode.BadRequest, "folder");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", job = "x", destination = "r1" }), HttpStatusCode.BadRequest, "archive");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { id = "a/b", archive = "originals", destination = "r1" }), HttpStatusCode.BadRequest, "id");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { job = "no-such-job", destination = "r1" }), HttpStatusCode.NotFound);
        // The silo's checks: the archive missing, the destination inside the archive.
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "missing-archive", destination = "r2" }), HttpStatusCode.BadRequest);
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs/restore", new { archive = "originals", destination = "originals/restored" }), HttpStatusCode.BadRequest);
    }
}
