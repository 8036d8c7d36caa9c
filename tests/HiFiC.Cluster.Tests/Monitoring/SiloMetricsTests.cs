using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Tests.Monitoring;

/// <summary>
/// A real silo (tiny model, real codec) with HiFiC:Metrics:Port set serves Prometheus text over
/// HTTP, and after a job it carries the pipeline's instruments: items by outcome (failures
/// included), pixels, network busy time and share, and the wait for a model instance.
/// </summary>
public sealed class SiloMetricsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_silo_serves_its_pipeline_metrics_over_http_after_processing_items()
    {
        int port = LoopbackPorts.Next();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HiFiC:Metrics:Port"] = port.ToString() }).Build();
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            Configure = s => s.AddHificSiloMetrics(configuration),
        };
        var cluster = await factory.StartAsync(1);
        try
        {
            var src = temp.Sub("src");
            TestImages.WriteFolder(src, 3, withBadFiles: true);
            var job = cluster.Client.GetGrain<IArchiveJobGrain>($"metrics-{Guid.NewGuid():N}");
            await job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), Rate = 1, TileSize = 64, MaxAttempts = 1 });
            var status = await job.WaitForEndAsync(Timeout);
            Assert.True(status is { Done: 3, Failed: > 0 }, JobWaits.Describe(status));

            // The networks ran on the model threads and were timed there.
            var pool = cluster.Silos[0].ServiceProvider.GetRequiredService<ModelPool>();
            Assert.True(pool.Busy > TimeSpan.Zero && pool.Jobs >= 3, $"busy {pool.Busy}, jobs {pool.Jobs}");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var text = await http.GetStringAsync($"http://localhost:{port}/metrics");
            foreach (var name in new[]
                     {
                         "hific_items_total{", "outcome=\"done\"", "outcome=\"failed\"", "hific_pixels_total", "hific_megapixels_total",
                         "hific_model_busy_seconds_total", "hific_model_busy_share{", "hific_model_instances{", "hific_queue_wait_seconds_bucket",
                     })
                Assert.True(text.Contains(name, StringComparison.Ordinal), $"/metrics lacks {name}:\n{text}");

            // The cluster view gets the busy share (0..1) and the queue wait from the silo's report.
            var stats = cluster.Client.GetGrain<IClusterStatsGrain>(0);
            var report = await Poll.UntilAsync(async () => (await stats.GetSilosAsync()).SingleOrDefault(), s => s is { ItemsDone: >= 3 }, Timeout, "a silo report after the job");
            Assert.InRange(report!.NetworkBusyShare, 0, 1);
            Assert.True(report.MeanQueueWaitMs >= 0);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
