using System.Net.Http.Headers;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Web.Hosting;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The real web host (Kestrel on 127.0.0.1, a random port) with its embedded silo and the tiny
/// seeded model; one root folder holding originals and archives. Shared by a test class.
/// </summary>
public sealed class WebHostFixture : IAsyncLifetime
{
    public const string Key = "test-key-0123456789";
    private static readonly Lazy<CodecModel> tiny = new(() => CodecModel.FromNetwork(HificModel.CreateSeeded(HificPreset.Tiny, 1), "tiny"));

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "hific-web-" + Guid.NewGuid().ToString("N")[..8]);
    public WebApplication App { get; private set; } = null!;
    public FakeStorage Storage { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>A client that sends the API key.</summary>
    public HttpClient Client { get; private set; } = null!;
    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;
    /// <summary>The silo's model: the tiny seeded one unless set (the archive browser's fixture uses the shipped model, for real quality numbers).</summary>
    public CodecModel? Model { get; init; }


    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        WriteImages(Path.Combine(Root, "originals"), 6, 64);
        File.WriteAllText(Path.Combine(Root, "originals", "broken.png"), "this is not a PNG");
        File.WriteAllText(Path.Combine(Root, "originals", "evil.svg"), "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
        SiloStatsReporter.Interval = TimeSpan.FromMilliseconds(500);
        App = await StartHostAsync(Root,
        [
            $"--HiFiC:Web:Roots:1=azblob://unreachable/",
            // Failing storage whose key must never show up in a response.
            $"--HiFiC:AzureStorage:ConnectionString={Storage.ConnectionString}",
        ], model: Model);
        BaseAddress = new Uri(App.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        Anonymous = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>
    /// Starts a web host on 127.0.0.1 (random port) with fast test timings; the tiny model unless <paramref name="client"/> (client mode loads no model).
    /// The host logs nothing unless given <paramref name="logs"/> (e.g. to name the exception behind a 500).
    /// </summary>
    public static async Task<WebApplication> StartHostAsync(string root, IEnumerable<string> extra, bool client = false, CodecModel? model = null,
        ILoggerProvider? logs = null)
    {
        SiloStatsReporter.Interval = TimeSpan.FromMilliseconds(500);
        string[] args =
        [
            $"--HiFiC:Web:ApiKey={Key}",
            $"--HiFiC:Web:Roots:0={root}",
            "--HiFiC:Web:SampleInterval=00:00:00.500",
            "--HiFiC:ModelPool:Instances=1",
            "--HiFiC:ModelPool:ThreadsPerInstance=1",
            "--HiFiC:Jobs:Tick=00:00:00.050",
            "--HiFiC:Worker:Consumers=2",
            "--HiFiC:Worker:PollInterval=00:00:00.100",
            "--HiFiC:Worker:ProgressInterval=00:00:00.100",
            "--HiFiC:Worker:PhaseRefresh=00:00:00.200",
            "--HiFiC:Worker:PausedRetryDelay=00:00:00.300",
            "--HiFiC:Worker:RetryDelay=00:00:00.100",
            "--Logging:LogLevel:Default=Warning",
            .. extra,
        ];
        // Composed as `hific web` composes it: the contracts-only web host with the silo's one-process silo.
        var builder = HificWeb.CreateBuilder(args, new WebApplicationOptions { Args = args, ContentRootPath = root }, HificSingleSilo.Configure);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs);
        if (!client) builder.Services.AddSingleton<ICodecModelSource>(new FixedModelSource(model ?? tiny.Value));
        var app = HificWeb.Build(builder);
        await app.StartAsync();
        return app;
    }

    public static void WriteImages(string folder, int count, int size)
    {
        for (int i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, i % 2 == 0 ? $"img{i}.png" : $"set/img{i}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var img = new Image<Rgb24>(size, size);
            var rng = new Random(i);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    img[x, y] = new Rgb24((byte)(128 + 100 * Math.Sin(x * 0.1 + i)), (byte)(128 + 100 * Math.Cos(y * 0.07)), (byte)((x + y) * 2 + rng.Next(8)));
            img.SaveAsPng(path);
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Anonymous?.Dispose();
        if (App is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await App.StopAsync(cts.Token); } catch (OperationCanceledException) { }
            await App.DisposeAsync();
        }
        Storage.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
