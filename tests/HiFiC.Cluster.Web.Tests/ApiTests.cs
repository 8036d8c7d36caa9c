using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>The HTTP API against the real host (Kestrel, random port, embedded silo, tiny model).</summary>
public sealed class ApiTests(WebHostFixture host) : IClassFixture<WebHostFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static async Task<JsonNode> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    private static async Task AssertProblem(HttpResponseMessage r, HttpStatusCode status, string? field = null)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", r.Content.Headers.ContentType?.MediaType ?? "");
        if (field is not null) Assert.NotNull(JsonNode.Parse(body)!["errors"]?[field]);
    }

    private object Job(string source = "originals", string destination = "archive", string? model = null, double rate = 1, int tile = 512) =>
        new { source, destination, model, rate, tileSize = tile };

    [Fact]
    public async Task Mutations_and_restores_need_the_key()
    {
        await AssertProblem(await host.Anonymous.PostAsJsonAsync("/api/jobs", Job()), HttpStatusCode.Unauthorized);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(Job()) };
        wrong.Headers.Add("X-Api-Key", "not-the-key");
        await AssertProblem(await host.Anonymous.SendAsync(wrong), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.PostAsync("/api/jobs/x/pause", null), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.PostAsync("/api/jobs/x/cancel", null), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.GetAsync("/api/images/img0.png?job=x"), HttpStatusCode.Unauthorized);
        // Read-only status is keyed too unless HiFiC:Web:PublicReadOnly is set.
        await AssertProblem(await host.Anonymous.GetAsync("/api/jobs"), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.GetAsync("/api/cluster"), HttpStatusCode.Unauthorized);
        // Bearer works as well as the header.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        bearer.Headers.Authorization = new("Bearer", WebHostFixture.Key);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.SendAsync(bearer)).StatusCode);
        // The dashboard's files, the OpenAPI document and /metrics are open.
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Bad_job_input_gives_400_problem_details()
    {
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(model: "no-such-model")), HttpStatusCode.BadRequest, "model");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(model: "../../etc")), HttpStatusCode.BadRequest, "model");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(rate: 7)), HttpStatusCode.BadRequest, "rate");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", rate = 1, rateName = "lo" }), HttpStatusCode.BadRequest, "rateName");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", rateName = "../x" }), HttpStatusCode.BadRequest, "rateName");
        // A well-formed name the model's card lacks: refused by the silo that resolves it.
        var ultra = await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive-ultra", rateName = "ultra" });
        await AssertProblem(ultra, HttpStatusCode.BadRequest, "rateName");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(tile: 100)), HttpStatusCode.BadRequest, "tileSize");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(tile: 1 << 20)), HttpStatusCode.BadRequest, "tileSize");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", maxAttempts = 100000 }), HttpStatusCode.BadRequest, "maxAttempts");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", refineSteps = -3 }), HttpStatusCode.BadRequest, "refineSteps");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", refineSteps = 5, tileSize = 2048 }), HttpStatusCode.BadRequest, "refineSteps");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", effort = "turbo" }), HttpStatusCode.BadRequest, "effort");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", effort = "max", refineSteps = 3 }), HttpStatusCode.BadRequest, "effort");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", targetMsSsim = 1.5 }), HttpStatusCode.BadRequest, "targetMsSsim");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", targetMsSsim = 0.95, rate = 0.5 }), HttpStatusCode.BadRequest, "targetMsSsim");
        // Quality floor and keepOriginalWhen (issue 17).
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", minMsSsim = 1.5 }), HttpStatusCode.BadRequest, "minMsSsim");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", minPsnr = -1 }), HttpStatusCode.BadRequest, "minPsnr");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { source = "originals", destination = "archive", keepOriginalWhen = "sometimes" }), HttpStatusCode.BadRequest, "keepOriginalWhen");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { destination = "archive" }), HttpStatusCode.BadRequest, "source");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { id = "a/b", source = "originals", destination = "archive" }), HttpStatusCode.BadRequest, "id");
        // Outside the roots, traversal, other schemes.
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(source: "/etc")), HttpStatusCode.BadRequest, "source");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(source: "originals/../../etc")), HttpStatusCode.BadRequest, "source");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(destination: "../outside")), HttpStatusCode.BadRequest, "destination");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(source: "http://example.com/x")), HttpStatusCode.BadRequest, "source");
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(source: "azblob://other-container/x")), HttpStatusCode.BadRequest, "source");
        // The silo's own checks: missing source, destination inside the source.
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(source: "missing")), HttpStatusCode.BadRequest);
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", Job(destination: "originals/out")), HttpStatusCode.BadRequest);
        await AssertProblem(await host.Client.GetAsync("/api/jobs/no-such-job"), HttpStatusCode.NotFound);
        await AssertProblem(await host.Client.PostAsync("/api/jobs/no-such-job/pause", null), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/images/..%2F..%2Fetc%2Fpasswd?job=j")]
    [InlineData("/api/images/set%2F..%2F..%2Fsecret.png?job=j")]
    [InlineData("/api/images/%2Fetc%2Fpasswd?job=j")]
    [InlineData("/api/images/a%5C..%5C..%5Cb.png?job=j")]
    [InlineData("/api/images/img0.png?archive=/etc")]
    [InlineData("/api/images/img0.png?archive=..%2F..%2Fetc")]
    [InlineData("/api/originals/..%2F..%2Fetc%2Fpasswd?job=j")]
    [InlineData("/api/images/img0.png?job=j&region=0,0,100000,100000")]
    [InlineData("/api/images/img0.png?job=j&region=-1,0,10,10")]
    [InlineData("/api/images/img0.png?job=j&region=1,2,3")]
    public async Task Path_traversal_and_absurd_sizes_are_refused(string url)
    {
        var r = await host.Client.GetAsync(url);
        await AssertProblem(r, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("root:", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Storage_failures_are_5xx_without_secrets()
    {
        var r = await host.Client.GetAsync("/api/images/img0.png?archive=azblob://unreachable/archive");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode >= 500, $"{(int)r.StatusCode}: {body}");
        Assert.DoesNotContain(FakeStorage.Secret, body);
        Assert.DoesNotContain("AccountKey", body);
        Assert.DoesNotContain("AuthenticationFailed", body);
        Assert.DoesNotContain($"127.0.0.1:{host.Storage.Port}", body);
        Assert.StartsWith("application/problem+json", r.Content.Headers.ContentType?.MediaType ?? "");
    }

    [Fact]
    public async Task Job_submitted_through_the_api_reaches_done_and_restores_png()
    {
        var created = await host.Client.PostAsJsonAsync("/api/jobs", new { id = "api-job", source = "originals", destination = "archive-api", tileSize = 64 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/jobs/api-job", created.Headers.Location?.OriginalString);
        // Same spec again: idempotent; another spec under the same id: conflict.
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsJsonAsync("/api/jobs", new { id = "api-job", source = "originals", destination = "archive-api", tileSize = 64 })).StatusCode);
        await AssertProblem(await host.Client.PostAsJsonAsync("/api/jobs", new { id = "api-job", source = "originals", destination = "archive-other" }), HttpStatusCode.Conflict);

        JsonNode job;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(200);
            job = await Json(await host.Client.GetAsync("/api/jobs/api-job"));
        } while (job["status"]!["phase"]!.GetValue<string>() != "Done" && DateTime.UtcNow < deadline);
        Assert.Equal("Done", job["status"]!["phase"]!.GetValue<string>());
        // No rate given: the card's default name, resolved by the silo (the test card's mi is t = 1).
        Assert.Equal("mi", job["status"]!["spec"]!["rateName"]!.GetValue<string>());
        Assert.Equal(1.0, job["status"]!["rate"]!.GetValue<double>());
        Assert.Equal(6, job["status"]!["done"]!.GetValue<long>());
        // A file with an image extension that does not decode fails with the codec's reason; a
        // file of another kind (evil.svg) is skipped, as sidecar files are.
        Assert.Equal(1, job["status"]!["failed"]!.GetValue<long>());
        Assert.Equal(1, job["status"]!["skipped"]!.GetValue<long>());
        var failures = job["status"]!["failures"]!.AsArray().Select(f => f!["sourcePath"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["broken.png"], failures);
        Assert.All(job["status"]!["failures"]!.AsArray(), f => Assert.False(string.IsNullOrEmpty(f!["reason"]!.GetValue<string>())));
        Assert.Equal(100, job["percent"]!.GetValue<double>());
        Assert.True(job["ratio"]!.GetValue<double>() > 1);

        var list = (await Json(await host.Client.GetAsync("/api/jobs"))).AsArray();
        Assert.Contains(list, j => j!["status"]!["jobId"]!.GetValue<string>() == "api-job");

        var images = await Json(await host.Client.GetAsync("/api/jobs/api-job/images"));
        var paths = images["images"]!.AsArray().Select(i => i!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(6, paths.Count);
        Assert.Contains("set/img1.png", paths);

        var png = await host.Client.GetAsync("/api/images/set/img1.png?job=api-job");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(PngSignature, bytes[..8]);
        using (var img = SixLabors.ImageSharp.Image.Load(bytes)) Assert.Equal((64, 64), (img.Width, img.Height));

        var region = await host.Client.GetAsync("/api/images/img0.png?job=api-job&region=0,0,32,16");
        Assert.Equal(HttpStatusCode.OK, region.StatusCode);
        using (var img = SixLabors.ImageSharp.Image.Load(await region.Content.ReadAsByteArrayAsync())) Assert.Equal((32, 16), (img.Width, img.Height));
        await AssertProblem(await host.Client.GetAsync("/api/images/img0.png?job=api-job&region=60,0,32,16"), HttpStatusCode.BadRequest, "region");
        await AssertProblem(await host.Client.GetAsync("/api/images/nope.png?job=api-job"), HttpStatusCode.NotFound);

        // Formats (issue 19): ?format= wins, else the Accept header; quality for the lossy ones.
        var jpeg = await host.Client.GetAsync("/api/images/set/img1.png?job=api-job&format=jpeg&quality=70");
        Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, (await jpeg.Content.ReadAsByteArrayAsync())[..2]);
        Assert.Equal("img1.jpg", jpeg.Content.Headers.ContentDisposition?.FileNameStar);
        using (var accept = new HttpRequestMessage(HttpMethod.Get, "/api/images/set/img1.png?job=api-job"))
        {
            accept.Headers.Add("Accept", "image/avif,image/webp,image/*;q=0.8,*/*;q=0.5");
            var webp = await host.Client.SendAsync(accept);
            Assert.Equal("image/webp", webp.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Accept", webp.Headers.Vary);
            var body = await webp.Content.ReadAsByteArrayAsync();
            Assert.Equal("RIFF"u8.ToArray(), body[..4]);
            using var img = SixLabors.ImageSharp.Image.Load(body);
            Assert.Equal((64, 64), (img.Width, img.Height));
        }
        // Resized: aspect kept, never enlarged; region + resize.
        var thumb = await host.Client.GetAsync("/api/images/set/img1.png?job=api-job&width=16&format=webp");
        using (var img = SixLabors.ImageSharp.Image.Load(await thumb.Content.ReadAsByteArrayAsync())) Assert.Equal((16, 16), (img.Width, img.Height));
        var bigger = await host.Client.GetAsync("/api/images/set/img1.png?job=api-job&width=4000&height=4000");
        using (var img = SixLabors.ImageSharp.Image.Load(await bigger.Content.ReadAsByteArrayAsync())) Assert.Equal((64, 64), (img.Width, img.Height));
        var regionThumb = await host.Client.GetAsync("/api/images/img0.png?job=api-job&region=0,0,64,32&width=16");
        using (var img = SixLabors.ImageSharp.Image.Load(await regionThumb.Content.ReadAsByteArrayAsync())) Assert.Equal((16, 8), (img.Width, img.Height));

        // Caching: a strong ETag that depends on the parameters; If-None-Match gives 304 with no body;
        // the content-addressed URL (?v=) is immutable, the plain one revalidates.
        var etag = thumb.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag!.IsWeak);
        Assert.Equal(etag, (await host.Client.GetAsync("/api/images/set/img1.png?job=api-job&width=16&format=webp")).Headers.ETag);
        Assert.NotEqual(etag, (await host.Client.GetAsync("/api/images/set/img1.png?job=api-job&width=17&format=webp")).Headers.ETag);
        Assert.NotEqual(etag, jpeg.Headers.ETag);
        Assert.True(thumb.Headers.CacheControl!.NoCache);
        using (var revalidate = new HttpRequestMessage(HttpMethod.Get, "/api/images/set/img1.png?job=api-job&width=16&format=webp"))
        {
            revalidate.Headers.IfNoneMatch.Add(etag);
            var notModified = await host.Client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, notModified.Headers.ETag);
        }
        var pinned = await host.Client.GetAsync($"/api/images/set/img1.png?job=api-job&width=16&format=webp&v={etag.Tag.Trim('"')}");
        Assert.Contains("immutable", pinned.Headers.CacheControl!.ToString());
        Assert.Equal(TimeSpan.FromDays(365), pinned.Headers.CacheControl.MaxAge);

        var original = await host.Client.GetAsync("/api/originals/img0.png?job=api-job");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(host.Root, "originals", "img0.png")), await original.Content.ReadAsByteArrayAsync());

        Assert.Contains("sandbox", original.Headers.GetValues("Content-Security-Policy").Single());
        // Only what the job archived: the .svg beside the photos (skipped, never archived) and the
        // image that failed are not served, though both lie in the source.
        await AssertProblem(await host.Client.GetAsync("/api/originals/evil.svg?job=api-job"), HttpStatusCode.NotFound);
        await AssertProblem(await host.Client.GetAsync("/api/originals/broken.png?job=api-job"), HttpStatusCode.NotFound);

        // Controls on a finished job answer with its (unchanged) status.
        var paused = await Json(await host.Client.PostAsync("/api/jobs/api-job/pause", null));
        Assert.Equal("Done", paused["status"]!["phase"]!.GetValue<string>());
    }

    private async Task<string> SiloAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var silos = (await Json(await host.Client.GetAsync("/api/cluster")))["silos"]!.AsArray();
            if (silos.Count > 0) return silos[0]!["silo"]!.GetValue<string>();
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no silo reported");
            await Task.Delay(200);
        }
    }

    private async Task<JsonNode> SiloViewAsync(string silo, Func<JsonNode, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var view = (await Json(await host.Client.GetAsync("/api/cluster")))["silos"]!.AsArray().Single(s => s!["silo"]!.GetValue<string>() == silo)!;
            if (until(view) || DateTime.UtcNow > deadline) return view;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Silo_controls_drain_undrain_and_set_concurrency_behind_the_key()
    {
        var silo = await SiloAsync();
        var path = $"/api/silos/{Uri.EscapeDataString(silo)}";
        await AssertProblem(await host.Anonymous.PostAsync($"{path}/drain", null), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.PostAsync($"{path}/undrain", null), HttpStatusCode.Unauthorized);
        await AssertProblem(await host.Anonymous.PutAsJsonAsync($"{path}/concurrency", new { concurrency = 2 }), HttpStatusCode.Unauthorized);
        // The cookie (GET only) cannot drive a control either.
        using (var post = new HttpRequestMessage(HttpMethod.Post, $"{path}/drain"))
        {
            post.Headers.Add("Cookie", $"hific-api-key={WebHostFixture.Key}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.SendAsync(post)).StatusCode);
        }
        await AssertProblem(await host.Client.PostAsync($"/api/silos/{Uri.EscapeDataString("S10.9.9.9:1:1")}/drain", null), HttpStatusCode.NotFound);
        await AssertProblem(await host.Client.PostAsync("/api/silos/not%20a%20silo%3B/drain", null), HttpStatusCode.BadRequest, "silo");
        await AssertProblem(await host.Client.PutAsJsonAsync($"{path}/concurrency", new { concurrency = 0 }), HttpStatusCode.BadRequest, "concurrency");
        await AssertProblem(await host.Client.PutAsJsonAsync($"{path}/concurrency", new { concurrency = 65 }), HttpStatusCode.BadRequest, "concurrency");
        await AssertProblem(await host.Client.PutAsJsonAsync($"{path}/concurrency", new { }), HttpStatusCode.BadRequest, "concurrency");
        try
        {
            var drained = await Json(await host.Client.PostAsync($"{path}/drain", null));
            Assert.Equal(silo, drained["silo"]!.GetValue<string>());
            Assert.False(drained["accepting"]!.GetValue<bool>());
            Assert.False((await SiloViewAsync(silo, v => !v["accepting"]!.GetValue<bool>()))["accepting"]!.GetValue<bool>());

            // One model instance more; the configured consumers (2 for 1 instance) keep their one prefetch loop.
            var set = await host.Client.PutAsJsonAsync($"{path}/concurrency", new { concurrency = 2 });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var state = await Json(set);
            Assert.Equal((2, 3), (state["concurrency"]!.GetValue<int>(), state["consumers"]!.GetValue<int>()));
            var view = await SiloViewAsync(silo, v => v["modelInstances"]!.GetValue<int>() == 2);
            Assert.Equal((2, 3), (view["modelInstances"]!.GetValue<int>(), view["consumers"]!.GetValue<int>()));
            var read = await Json(await host.Client.GetAsync(path));
            Assert.Equal(2, read["concurrency"]!.GetValue<int>());
            Assert.False(read["accepting"]!.GetValue<bool>());
        }
        finally
        {
            await host.Client.PutAsJsonAsync($"{path}/concurrency", new { concurrency = 1 });
            var undrained = await Json(await host.Client.PostAsync($"{path}/undrain", null));
            Assert.True(undrained["accepting"]!.GetValue<bool>());
            Assert.Equal((1, 2), (undrained["concurrency"]!.GetValue<int>(), undrained["consumers"]!.GetValue<int>()));
        }
        Assert.True((await SiloViewAsync(silo, v => v["accepting"]!.GetValue<bool>()))["accepting"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Orleans_dashboard_is_mounted_at_orleans_behind_the_key()
    {
        var keyed = await host.Client.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Contains("html", keyed.Content.Headers.ContentType?.MediaType ?? "");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/orleans/")).StatusCode);
        // The dashboard page's cookie carries the key for GETs only: it cannot drive a mutation.
        using var get = new HttpRequestMessage(HttpMethod.Get, "/orleans/");
        get.Headers.Add("Cookie", $"hific-api-key={WebHostFixture.Key}");
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous.SendAsync(get)).StatusCode);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/x/cancel");
        post.Headers.Add("Cookie", $"hific-api-key={WebHostFixture.Key}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.SendAsync(post)).StatusCode);
    }

    [Fact]
    public async Task Cluster_view_openapi_and_metrics()
    {
        JsonNode cluster;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(250);
            cluster = await Json(await host.Client.GetAsync("/api/cluster"));
        } while (cluster["silos"]!.AsArray().Count == 0 && DateTime.UtcNow < deadline);
        Assert.Equal("embedded", cluster["mode"]!.GetValue<string>());
        var silo = cluster["silos"]!.AsArray().Single()!;
        Assert.Equal(1, silo["modelInstances"]!.GetValue<int>());
        Assert.Equal("cpu", silo["device"]!.GetValue<string>());
        Assert.True(cluster["queueDepth"]!.GetValue<long>() >= 0);
        Assert.NotEmpty(cluster["history"]!.AsArray());
        Assert.True(silo["accepting"]!.GetValue<bool>());
        Assert.Equal(2, silo["consumers"]!.GetValue<int>());
        Assert.InRange(silo["networkBusyShare"]!.GetValue<double>(), 0, 1);
        Assert.True(silo["meanQueueWaitMs"]!.GetValue<double>() >= 0);
        // Scaling advice: an idle cluster keeps the minimum; the target is the configured one unless asked.
        var scaling = cluster["scaling"]!;
        Assert.Equal(3600, scaling["targetSeconds"]!.GetValue<double>());
        Assert.Equal(1, scaling["acceptingSilos"]!.GetValue<int>());
        if (cluster["queueDepth"]!.GetValue<long>() == 0) Assert.Equal(1, scaling["recommendedSilos"]!.GetValue<int>());
        var custom = await Json(await host.Client.GetAsync("/api/cluster?targetMinutes=15"));
        Assert.Equal(900, custom["scaling"]!["targetSeconds"]!.GetValue<double>());
        await AssertProblem(await host.Client.GetAsync("/api/cluster?targetMinutes=0"), HttpStatusCode.BadRequest, "targetMinutes");

        var openapi = await Json(await host.Client.GetAsync("/openapi/v1.json"));
        var routes = openapi["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/jobs", routes);
        Assert.Contains("/api/jobs/{id}/pause", routes);
        Assert.Contains("/api/cluster", routes);
        Assert.Contains("/api/silos/{silo}/drain", routes);
        Assert.Contains("/api/silos/{silo}/concurrency", routes);

        var metrics = await host.Anonymous.GetStringAsync("/metrics");
        Assert.Contains("hific_queue_depth", metrics);
        Assert.Contains("hific_cluster_images_per_second", metrics);
        Assert.Contains("hific_cluster_megapixels_per_second", metrics);
        Assert.Contains("hific_jobs_failed_items", metrics);
        Assert.Contains("hific_cluster_recommended_silos", metrics);
        // The standard instrumentation (issue 21): ASP.NET Core requests (the calls above) and the .NET runtime.
        Assert.Contains("http_server_request_duration_seconds_bucket", metrics);
        Assert.Contains("dotnet_gc_collections_total", metrics);
        Assert.Contains("hific_silo_network_busy_share", metrics);
    }
}
