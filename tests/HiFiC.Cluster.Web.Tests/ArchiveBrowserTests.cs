using System.Net;
using System.Text.Json.Nodes;
using HiFiC.Cluster.Contracts.Archive;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The archive browser (issue 19 item 5): GET /api/jobs/{id}/entries against the real host, whose
/// numbers must be the manifests' own, and the dashboard's browser panel in headless chromium.
/// </summary>
public sealed class ArchiveBrowserTests(ArchiveBrowserFixture fixture, ITestOutputHelper output) : IClassFixture<ArchiveBrowserFixture>
{
    private WebHostFixture Host => fixture.Host;

    private async Task<JsonNode> Entries(string query = "")
    {
        var r = await Host.Client.GetAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}/entries{query}");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{query}: {(int)r.StatusCode} {body}");
        var page = JsonNode.Parse(body)!;
        Assert.False(page["indexing"]!.GetValue<bool>(), "a finished job of 8 images is indexed within the call's wait");
        return page;
    }

    private static List<string> Paths(JsonNode page) => page["items"]!.AsArray().Select(i => i!["path"]!.GetValue<string>()).ToList();
    private static List<double?> Values(JsonNode page, string field) => page["items"]!.AsArray().Select(i => i![field]?.GetValue<double>()).ToList();

    private List<ArchiveManifest> Manifests() => Directory.EnumerateFiles(fixture.Archive, "*" + ArchiveNaming.ManifestSuffix, SearchOption.AllDirectories)
        .Select(f => ArchiveManifest.FromJson(File.ReadAllBytes(f))).ToList();

    [Fact]
    public async Task Pages_cover_every_entry_once_with_the_manifests_numbers_and_totals()
    {
        var manifests = Manifests();
        Assert.Equal(ArchiveBrowserFixture.Images.Count, manifests.Count);
        var seen = new List<string>();
        for (int p = 1; p <= 3; p++)
        {
            var page = await Entries($"?page={p}&pageSize=3");
            Assert.Equal(manifests.Count, page["matches"]!.GetValue<long>());
            Assert.Equal(p < 3 ? 3 : 2, page["items"]!.AsArray().Count);
            seen.AddRange(Paths(page));
        }
        Assert.Equal(manifests.Select(m => m.SourcePath).Order(StringComparer.Ordinal), seen);
        Assert.Empty((await Entries("?page=4&pageSize=3"))["items"]!.AsArray());

        var all = await Entries("?pageSize=200");
        foreach (var item in all["items"]!.AsArray())
        {
            var m = manifests.Single(x => x.SourcePath == item!["path"]!.GetValue<string>());
            Assert.Equal(m.SourceSize, item!["sourceSize"]!.GetValue<long>());
            Assert.Equal(m.OutputSize, item["outputSize"]!.GetValue<long>());
            Assert.Equal(m.Bpp, item["bpp"]!.GetValue<double>(), 9);
            Assert.Equal(m.Psnr, item["psnr"]?.GetValue<double>());
            Assert.Equal(m.MsSsim, item["msSsim"]?.GetValue<double>());
            Assert.Equal(m.IsOriginal, item["keptOriginal"]!.GetValue<bool>());
            Assert.Equal(m.SourceSize - m.OutputSize, item["saved"]!.GetValue<long>());
        }
        // Totals: the manifests' sums, and the job's own counters.
        var totals = all["totals"]!;
        var job = JsonNode.Parse(await Host.Client.GetStringAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}"))!["status"]!;
        Assert.Equal(manifests.Sum(m => m.SourceSize), totals["bytesBefore"]!.GetValue<long>());
        Assert.Equal(manifests.Sum(m => m.OutputSize), totals["bytesAfter"]!.GetValue<long>());
        Assert.Equal(job["bytesIn"]!.GetValue<long>(), totals["bytesBefore"]!.GetValue<long>());
        Assert.Equal(job["bytesOut"]!.GetValue<long>(), totals["bytesAfter"]!.GetValue<long>());
        Assert.Equal(job["keptOriginal"]!.GetValue<long>(), totals["keptOriginals"]!.GetValue<long>());
        Assert.Equal((double)manifests.Sum(m => m.SourceSize) / manifests.Sum(m => m.OutputSize), totals["ratio"]!.GetValue<double>(), 9);
        var measured = manifests.Where(m => m.Psnr is not null).ToList();
        Assert.True(measured.Count >= 4, $"the verified job measured {measured.Count} images");
        Assert.Equal(measured.Count, totals["measured"]!.GetValue<long>());
        Assert.Equal(measured.Average(m => m.Psnr!.Value), totals["meanPsnr"]!.GetValue<double>(), 9);
        // The histogram counts every measured image once, within its range.
        var hist = all["psnrHistogram"]!;
        Assert.Equal(measured.Count, hist["counts"]!.AsArray().Sum(c => c!.GetValue<long>()));
        Assert.True(hist["min"]!.GetValue<double>() <= measured.Min(m => m.Psnr!.Value) && hist["max"]!.GetValue<double>() >= measured.Max(m => m.Psnr!.Value));
        Assert.Equal(manifests.Count(m => m.MsSsim is not null), all["msSsimHistogram"]!["counts"]!.AsArray().Sum(c => c!.GetValue<long>()));
    }

    [Fact]
    public async Task Sorts_put_the_worst_quality_and_the_biggest_savings_first()
    {
        var manifests = Manifests();
        var byPsnr = await Entries("?sort=psnr&pageSize=200");
        var psnr = Values(byPsnr, "psnr");
        var known = psnr.TakeWhile(v => v is not null).Select(v => v!.Value).ToList();
        // Worst first, entries without a PSNR (kept originals) last.
        Assert.Equal(known.Order(), known);
        Assert.All(psnr.Skip(known.Count), v => Assert.Null(v));
        Assert.Equal(manifests.Where(m => m.Psnr is not null).Min(m => m.Psnr), known[0]);
        // The noisy gradient is the worst one here.
        Assert.Equal(ArchiveBrowserFixture.Worst, Paths(byPsnr)[0]);

        var best = Values(await Entries("?sort=-psnr&pageSize=200"), "psnr");
        var bestKnown = best.TakeWhile(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Equal(bestKnown.OrderDescending(), bestKnown);
        Assert.All(best.Skip(bestKnown.Count), v => Assert.Null(v));

        var msssim = Values(await Entries("?sort=msssim&pageSize=200"), "msSsim").TakeWhile(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Equal(msssim.Order(), msssim);

        var savings = (await Entries("?sort=savings&pageSize=200"))["items"]!.AsArray().Select(i => i!["saved"]!.GetValue<long>()).ToList();
        Assert.Equal(savings.OrderDescending(), savings);
        var least = (await Entries("?sort=-savings&pageSize=200"))["items"]!.AsArray().Select(i => i!["saved"]!.GetValue<long>()).ToList();
        Assert.Equal(least.Order(), least);
        var sizes = (await Entries("?sort=size&pageSize=200"))["items"]!.AsArray().Select(i => i!["outputSize"]!.GetValue<long>()).ToList();
        Assert.Equal(sizes.OrderDescending(), sizes);
        // Paging a sorted view: page 2 continues page 1.
        var p1 = Paths(await Entries("?sort=psnr&pageSize=3"));
        var p2 = Paths(await Entries("?sort=psnr&page=2&pageSize=3"));
        Assert.Equal(Paths(byPsnr).Take(6), p1.Concat(p2));
    }

    [Fact]
    public async Task Search_matches_a_path_substring_case_insensitively_and_totals_follow_it()
    {
        var synthetic = await Entries("?q=SYNTHETIC&sort=psnr");
        Assert.Equal([ArchiveBrowserFixture.Worst, "synthetic/flat.png"], Paths(synthetic));
        Assert.Equal(2, synthetic["matches"]!.GetValue<long>());
        Assert.Equal(2, synthetic["totals"]!["images"]!.GetValue<long>());
        Assert.Equal(Manifests().Where(m => m.SourcePath.Contains("synthetic")).Sum(m => m.SourceSize), synthetic["totals"]!["bytesBefore"]!.GetValue<long>());
        Assert.Equal(ArchiveBrowserFixture.Images.Count, synthetic["indexed"]!.GetValue<long>());

        var photos = await Entries("?q=os/");
        Assert.All(Paths(photos), p => Assert.StartsWith("photos/", p));
        Assert.Equal(6, photos["matches"]!.GetValue<long>());

        var none = await Entries("?q=%E2%9C%93nothing");
        Assert.Empty(none["items"]!.AsArray());
        Assert.Equal(0, none["totals"]!["bytesBefore"]!.GetValue<long>());
        Assert.Null(none["psnrHistogram"]);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?page=1.5", "page")]
    [InlineData("?page=99999999999", "page")]
    [InlineData("?page=1000001", "page")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=201", "pageSize")]
    [InlineData("?pageSize=%2B5", "pageSize")]
    [InlineData("?sort=worst", "sort")]
    [InlineData("?sort=--psnr", "sort")]
    [InlineData("?q=a%00b", "q")]
    [InlineData("?q=a%0Ab", "q")]
    public async Task Bad_parameters_are_400s_naming_the_field(string query, string field)
    {
        var r = await Host.Client.GetAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}/entries{query}");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)r.StatusCode} {body}");
        Assert.NotNull(JsonNode.Parse(body)!["errors"]?[field]);
    }

    [Fact]
    public async Task Long_searches_unknown_jobs_and_missing_keys_are_refused()
    {
        var r = await Host.Client.GetAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}/entries?q={new string('x', 201)}");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.NotNull(JsonNode.Parse(await r.Content.ReadAsStringAsync())!["errors"]?["q"]);
        Assert.Equal(HttpStatusCode.OK, (await Host.Client.GetAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}/entries?q={new string('x', 200)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Client.GetAsync("/api/jobs/no-such-job/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.Client.GetAsync("/api/jobs/a%20b/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Anonymous.GetAsync($"/api/jobs/{ArchiveBrowserFixture.JobId}/entries")).StatusCode);
    }

    [Fact]
    public async Task An_archive_that_is_gone_is_a_503_not_indexing_forever()
    {
        WebHostFixture.WriteImages(Path.Combine(Host.Root, "gone-src"), 2, 64);
        (await Host.Client.PostAsync("/api/jobs", System.Net.Http.Json.JsonContent.Create(new { id = "gone", source = "gone-src", destination = "gone-archive", tileSize = 64 }))).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync("/api/jobs/gone"))!["status"]!["phase"]!.GetValue<string>(),
            p => p == "Done", TimeSpan.FromMinutes(2), "job gone done", TimeSpan.FromMilliseconds(200));
        // Its listing fails at once: the build ends before its first await.
        Directory.Delete(Path.Combine(Host.Root, "gone-archive"), recursive: true);

        var r = await Host.Client.GetAsync("/api/jobs/gone/entries");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.Contains("could not be listed", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Entries_follow_a_running_job_to_its_end()
    {
        WebHostFixture.WriteImages(Path.Combine(Host.Root, "follow-src"), 6, 64);
        var created = await Host.Client.PostAsync("/api/jobs", System.Net.Http.Json.JsonContent.Create(new { id = "follow", source = "follow-src", destination = "follow-archive", tileSize = 64 }));
        created.EnsureSuccessStatusCode();
        // Asked while the job runs (the index then holds what was committed so far), and again until the job is done:
        // the job's counters moving make the catalog re-list, so the last answer has all six.
        var early = JsonNode.Parse(await Host.Client.GetStringAsync("/api/jobs/follow/entries"))!;
        Assert.InRange(early["matches"]!.GetValue<long>(), 0, 6);
        await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync("/api/jobs/follow"))!["status"]!["phase"]!.GetValue<string>(),
            p => p == "Done", TimeSpan.FromMinutes(2), "job follow done", TimeSpan.FromMilliseconds(200));
        var last = await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync("/api/jobs/follow/entries"))!,
            p => p["matches"]!.GetValue<long>() == 6 && !p["indexing"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "six entries indexed", TimeSpan.FromMilliseconds(300));
        Assert.Equal(6, last["items"]!.AsArray().Count);
    }

    /// <summary>
    /// The dashboard in headless chromium (as <see cref="BrowserTests"/>): browse the finished job,
    /// see totals, histogram and lazily restored thumbnails, sort by worst PSNR, search, page, and
    /// open the worst image in the side-by-side viewer. Screenshot: docs/images/archive-browser.png.
    /// </summary>
    [Fact]
    public async Task Dashboard_browses_a_job_sorts_by_worst_quality_and_opens_the_viewer()
    {
        Assert.True(File.Exists(BrowserTests.Chromium), $"{BrowserTests.Chromium} is missing: run scripts/setup.sh (apt-get install chromium).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = BrowserTests.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(Host.BaseAddress.ToString());
        await page.FillAsync("#apikey", WebHostFixture.Key);
        await page.DispatchEventAsync("#apikey", "change");
        await page.WaitForSelectorAsync("#conn.ok");
        var row = $"#jobs tr[data-job='{ArchiveBrowserFixture.JobId}']";
        await page.ClickAsync($"{row} button.browse");
        await WaitLoadedAsync(page, "|path|1||complete");
        const int n = 8;
        Assert.Equal(n, await page.Locator("#entries tr.entry").CountAsync());
        Assert.Contains("8 images", await page.TextContentAsync("#b-totals"));
        Assert.Contains("saved", await page.TextContentAsync("#b-totals"));
        // The histogram drew every measured image.
        var bins = await page.GetAttributeAsync("#b-hist", "data-bins");
        var measured = Manifests().Count(m => m.Psnr is not null);
        Assert.Equal(measured, bins!.Split(',').Sum(long.Parse));
        // Thumbnails: restored through GET /api/images/...?width=96, at most 96 px.
        // Each thumbnail is a restore that decodes its whole image on the silo, at most 4 at a time, while
        // other test assemblies share the cores: the bound is generous, and a failed restore (class 'failed') ends the wait at once.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#entries img.thumb')].every(i => (i.complete && i.naturalWidth > 0) || i.classList.contains('failed'))", null, new() { Timeout = 300_000 });
        var broken = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#entries img.thumb.failed')].map(i => i.dataset.path + ': ' + i.title)");
        Assert.Empty(broken);
        var thumbWidths = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#entries img.thumb')].map(i => i.naturalWidth)");
        Assert.All(thumbWidths, w => Assert.InRange(w, 1, 96));

        // Worst PSNR first, from the order menu.
        await page.SelectOptionAsync("#b-sort", "psnr");
        await WaitLoadedAsync(page, "|psnr|1||complete");
        var paths = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#entries tr.entry')].map(r => r.dataset.path)");
        Assert.Equal(ArchiveBrowserFixture.Worst, paths[0]);
        var shown = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#entries td.psnr')].map(t => t.textContent)");
        var numbers = shown.TakeWhile(s => s != "–").Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.True(numbers.Count >= 4);
        await page.Locator("#browser").ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "archive-browser.png") });

        // A search narrows the list and the totals; a small page size pages.
        await page.FillAsync("#b-search", "photos");
        await WaitLoadedAsync(page, "|psnr|1|photos|complete");
        Assert.Equal(6, await page.Locator("#entries tr.entry").CountAsync());
        Assert.Contains("6 images", await page.TextContentAsync("#b-totals"));
        await page.FillAsync("#b-search", "");
        await WaitLoadedAsync(page, "|psnr|1||complete");

        // The worst image opens in the side-by-side viewer.
        await page.ClickAsync("#entries tr.entry >> nth=0");
        await page.WaitForFunctionAsync("w => document.querySelector('#viewer').dataset.loaded === w", ArchiveBrowserFixture.Worst, new() { Timeout = 300_000 });
        Assert.Equal(ArchiveBrowserFixture.Worst, await page.InputValueAsync("#images"));
        var sizes = await page.EvaluateAsync<int[]>("() => [document.querySelector('#img-original').naturalWidth, document.querySelector('#img-restored').naturalWidth]");
        Assert.Equal([ArchiveBrowserFixture.Size, ArchiveBrowserFixture.Size], sizes);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "archive-browser-viewer.png"), FullPage = true });
        Assert.Empty(errors);
    }

    /// <summary>
    /// What a large archive costs through the API: <c>HIFIC_BENCH=1</c>; 20,000 manifests (copies of
    /// a real one under other paths, with spread PSNR) in a job's destination. Reported, not asserted.
    /// </summary>
    [BenchmarkFact]
    public async Task Large_archive_is_indexed_once_and_then_paged_at_the_cost_of_a_page()
    {
        const int n = 20_000;
        var template = Manifests().First(m => m.Psnr is not null);
        var archive = Path.Combine(Host.Root, "bench-archive");
        var rng = new Random(3);
        for (int i = 0; i < n; i++)
        {
            var path = $"day{i / 1000:D3}/img{i:D6}.png";
            var file = Path.Combine(archive, ArchiveNaming.Manifest(path));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, (template with { SourcePath = path, Output = ArchiveNaming.Bitstream(path), Psnr = Math.Round(18 + 14 * rng.NextDouble(), 3), OutputSize = 800 + rng.Next(2000) }).ToJsonBytes());
        }
        Directory.CreateDirectory(Path.Combine(Host.Root, "bench-src"));
        (await Host.Client.PostAsJsonAsync("/api/jobs", new { id = "bench", source = "bench-src", destination = "bench-archive", tileSize = 64 })).EnsureSuccessStatusCode();
        await Poll.UntilAsync(async () => JsonNode.Parse(await Host.Client.GetStringAsync("/api/jobs/bench"))!["status"]!["phase"]!.GetValue<string>(),
            p => p == "Done", TimeSpan.FromMinutes(1), "empty job done");

        async Task<(double Ms, JsonNode Page)> Timed(string query)
        {
            var clock = Stopwatch.StartNew();
            var body = await Host.Client.GetStringAsync("/api/jobs/bench/entries" + query);
            return (clock.Elapsed.TotalMilliseconds, JsonNode.Parse(body)!);
        }
        var total = Stopwatch.StartNew();
        var first = await Timed("?sort=psnr");
        while (first.Page["indexing"]!.GetValue<bool>()) first = await Timed("?sort=psnr");
        var indexMs = total.Elapsed.TotalMilliseconds;
        Assert.Equal(n, first.Page["matches"]!.GetValue<long>());
        var pages = new List<double>();
        foreach (var p in new[] { 2, 50, 99, 100, 3, 60 }) pages.Add((await Timed($"?sort=psnr&page={p}&pageSize=200")).Ms);
        var resort = await Timed("?sort=savings&pageSize=200");
        var resortPage = await Timed("?sort=savings&page=40&pageSize=200");
        var search = await Timed("?q=day007&sort=psnr&pageSize=200");
        var searchPage = await Timed("?q=day007&sort=psnr&page=3&pageSize=200");
        Assert.Equal(1000, search.Page["matches"]!.GetValue<long>());
        output.WriteLine($"{n} manifests: first index {indexMs:F0} ms; pages of 200 (sorted by psnr) {string.Join(", ", pages.Select(m => m.ToString("F1")))} ms; " +
            $"new order {resort.Ms:F1} ms then a page {resortPage.Ms:F1} ms; new search {search.Ms:F1} ms then a page {searchPage.Ms:F1} ms");
    }

    /// <summary>
    /// Waits until the entries with this suffix (job|sort|page|query|complete) are shown, or the panel shows an
    /// error (which fails the test with its text at once). Bounded at 5 minutes: the catalog indexes the job's
    /// manifests through the silo while other test assemblies share the two cores.
    /// </summary>
    private static async Task WaitLoadedAsync(IPage page, string suffix)
    {
        try
        {
            await page.WaitForFunctionAsync("s => (document.querySelector('#browser').dataset.loaded || '').endsWith(s) || document.querySelector('#b-msg').classList.contains('bad')",
                suffix, new() { Timeout = 300_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("() => `job '${document.querySelector('#browser-job').textContent}', loaded '${document.querySelector('#browser').dataset.loaded || ''}', message '${document.querySelector('#b-msg').textContent}'`");
            Assert.Fail($"the archive browser never showed '{suffix}' in 5 minutes: {state}");
        }
        var error = await page.EvaluateAsync<string?>("() => document.querySelector('#b-msg').classList.contains('bad') ? document.querySelector('#b-msg').textContent : null");
        Assert.True(error is null, $"the archive browser failed to load entries ({suffix}): {error}");
    }
}
