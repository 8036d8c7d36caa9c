using Microsoft.Playwright;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The dashboard in a real headless browser: Debian's chromium (/usr/bin/chromium, installed by
/// scripts/setup.sh) driven by Microsoft.Playwright; no browser is ever downloaded. Loads the page,
/// enters the key, submits a job through the form, raises the silo's concurrency, screenshots it
/// mid-job, drains the silo (the job stops taking items) and undrains it, waits for 100% and opens
/// an image in the viewer.
/// </summary>
public sealed class BrowserTests(WebHostFixture host) : IClassFixture<WebHostFixture>
{
    public const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_submits_a_job_watches_it_finish_and_shows_an_image()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/setup.sh (apt-get install chromium).");
        WebHostFixture.WriteImages(Path.Combine(host.Root, "browser-src"), 60, 256);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(host.BaseAddress.ToString());
        await page.WaitForSelectorAsync("#conn.bad"); // no key yet: the API refuses
        await page.FillAsync("#apikey", WebHostFixture.Key);
        await page.DispatchEventAsync("#apikey", "change");
        await page.WaitForSelectorAsync("#conn.ok");

        await page.FillAsync("input[name=source]", "browser-src");
        await page.FillAsync("input[name=destination]", "browser-archive");
        await page.FillAsync("input[name=tileSize]", "64");
        await page.ClickAsync("#submit button[type=submit]");
        await page.WaitForSelectorAsync("#submit-msg.ok");
        var jobId = (await page.TextContentAsync("#submit-msg"))!.Replace("started ", "").Trim();

        var row = $"#jobs tr[data-job='{jobId}']";
        var bar = $"{row} .bar";
        // Silo controls: one model instance more (the "+" of the silo's concurrency).
        const string silo = "#silos tr[data-silo]";
        await page.ClickAsync($"{silo} button.conc[data-delta='1']");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"{silo} .conc b\")?.textContent === '2'", null, new() { Timeout = 10_000 });
        await page.WaitForFunctionAsync($"() => {{ const b = document.querySelector(\"{bar}\"); const v = b ? +b.getAttribute('aria-valuenow') : 0; return v >= 35 && v < 90 && +document.querySelector('#m-ips').textContent > 0 && document.querySelector('#m-rec').textContent !== '–'; }}",
            null, new() { Timeout = 60_000, PollingInterval = 100 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard.png"), FullPage = true });

        // Drain: items in progress finish, then nothing more is taken (the job stands still) until undrained.
        await page.ClickAsync($"{silo} button.silo-act[data-act='drain']");
        await page.WaitForSelectorAsync($"{silo} button.silo-act[data-act='undrain']");
        // "drained": intake closed and no item in hand; then the job's running count is 0.
        await page.WaitForFunctionAsync($"() => document.querySelector(\"{silo} .st\")?.textContent === 'drained'", null, new() { Timeout = 120_000 });
        var stalled = await WaitForJobAsync(jobId, j => j["status"]!["running"]!.GetValue<long>() == 0);
        // The signal that nothing moved (not a clock): the host samples the cluster twice more, each
        // time with items waiting in the queue, and the job's done count stands still.
        var samples = await SamplesAfterAsync(await LatestSampleAsync(), 2);
        Assert.All(samples, p => Assert.True(p["queueDepth"]!.GetValue<long>() > 0, p.ToJsonString()));
        var still = await WaitForJobAsync(jobId, _ => true);
        Assert.Equal(stalled["status"]!["done"]!.GetValue<long>(), still["status"]!["done"]!.GetValue<long>());
        Assert.NotEqual("Done", still["status"]!["phase"]!.GetValue<string>());
        await page.ClickAsync($"{silo} button.silo-act[data-act='undrain']");
        await page.WaitForSelectorAsync($"{silo} .st.ok");

        // The bar can read 100% a poll before the phase does (every item finished, the job still finalising):
        // wait for the phase, then the bar must be full.
        await page.WaitForFunctionAsync($"() => document.querySelector(\"{row} td:nth-child(2)\")?.textContent.trim() === 'Done'",
            null, new() { Timeout = 90_000, PollingInterval = 250 });
        Assert.Equal("100", await page.GetAttributeAsync(bar, "aria-valuenow"));
        await page.ClickAsync($"{silo} button.conc[data-delta='-1']");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"{silo} .conc b\")?.textContent === '1'", null, new() { Timeout = 10_000 });

        await page.ClickAsync($"{row} button.view");
        await page.WaitForFunctionAsync("() => !!document.querySelector('#viewer').dataset.loaded", null, new() { Timeout = 30_000 });
        var sizes = await page.EvaluateAsync<int[]>("() => [document.querySelector('#img-original').naturalWidth, document.querySelector('#img-restored').naturalWidth]");
        Assert.Equal([256, 256], sizes);
        Assert.Equal(60, await page.Locator("#images option").CountAsync());

        // The slider mode: the restored image is clipped at the slider's position.
        await page.CheckAsync("#mode-slider");
        await page.FillAsync("#cmp-range", "25");
        var clip = await page.EvaluateAsync<string>("() => document.querySelector('#cmp-restored').style.clipPath");
        Assert.Contains("75%", clip);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-viewer.png"), FullPage = true });
        Assert.Empty(errors);
    }

    private async Task<DateTime> LatestSampleAsync()
    {
        var history = System.Text.Json.Nodes.JsonNode.Parse(await host.Client.GetStringAsync("/api/cluster"))!["history"]!.AsArray();
        return history.Count == 0 ? DateTime.MinValue : history[^1]!["utc"]!.GetValue<DateTime>();
    }

    /// <summary>The throughput samples the host takes after <paramref name="after"/>, once there are <paramref name="count"/> of them.</summary>
    private Task<List<System.Text.Json.Nodes.JsonNode>> SamplesAfterAsync(DateTime after, int count) =>
        Poll.UntilAsync(async () => System.Text.Json.Nodes.JsonNode.Parse(await host.Client.GetStringAsync("/api/cluster"))!["history"]!.AsArray()
                .Select(p => p!).Where(p => p["utc"]!.GetValue<DateTime>() > after).ToList(),
            newer => newer.Count >= count, TimeSpan.FromSeconds(60), $"{count} cluster samples after {after:O}");

    private async Task<System.Text.Json.Nodes.JsonNode> WaitForJobAsync(string id, Func<System.Text.Json.Nodes.JsonNode, bool> until)
    {
        // Generous: on a 2-core CI machine running other test assemblies, an item in progress took longer than 30 s to finish once.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var job = System.Text.Json.Nodes.JsonNode.Parse(await host.Client.GetStringAsync($"/api/jobs/{id}"))!;
            if (until(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id}: {job}");
            await Task.Delay(100);
        }
    }
}
