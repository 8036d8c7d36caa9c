using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Work;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// Multi-silo in-process clusters wired like production except for three things shared through
/// the test process: the queue hub (stands in for Azure Queue: it outlives any silo), the job
/// state folder (stands in for Azure Table: ditto; memory grain storage would die with the silo
/// that hosts it, which is exactly what the kill test must survive), and the codec knobs.
/// </summary>
public sealed class TestClusterFactory
{
    /// <summary>The silos' intra-op threads per model thread; a direct decode compared with their restores uses the same (DirectDecoder).</summary>
    public const int ThreadsPerInstance = 1;

    public InProcessQueueHub Hub { get; } = new();
    public CodecKnobs Knobs { get; } = new();
    public required string StateFolder { get; init; }
    public TimeSpan Visibility { get; init; } = TimeSpan.FromSeconds(3);
    public bool WorkersEnabled { get; init; } = true;
    public int MaxInFlight { get; init; } = 1024;
    /// <summary>The silos' models (default: the tiny seeded test model).</summary>
    public ICodecModelSource? Models { get; init; }
    /// <summary>The silos' and the client's Orleans response timeout.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>More silo services (other providers), applied before the archive's defaults.</summary>
    public Action<IServiceCollection>? Configure { get; init; }

    public async Task<InProcessTestCluster> StartAsync(short silos)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = Environment.GetEnvironmentVariable("HIFIC_TEST_LOGS") == "1";
        builder.ConfigureSilo((_, silo) =>
        {
            var s = silo.Services;
            s.AddSingleton(Hub);
            s.AddSingleton(Knobs);
            s.AddSingleton(Models ?? new FixedModelSource(TestModel.Tiny));
            s.AddSingleton<HificImageCodec>();
            s.AddSingleton<IImageCodec, KnobbedCodec>();
            s.Configure<ModelPoolOptions>(o => { o.Instances = 1; o.ThreadsPerInstance = ThreadsPerInstance; });
            s.Configure<WorkQueueOptions>(o => o.VisibilityTimeout = Visibility);
            s.Configure<JobOptions>(o => { o.Tick = TimeSpan.FromMilliseconds(50); o.ListingPause = TimeSpan.FromSeconds(1); o.MaxInFlight = MaxInFlight; });
            s.Configure<WorkerOptions>(o =>
            {
                o.Enabled = WorkersEnabled;
                o.Consumers = 2;
                o.PollInterval = TimeSpan.FromMilliseconds(200);
                o.ProgressInterval = TimeSpan.FromMilliseconds(100);
                o.PhaseRefresh = TimeSpan.FromMilliseconds(200);
                o.PausedRetryDelay = TimeSpan.FromMilliseconds(300);
                o.RetryDelay = TimeSpan.FromMilliseconds(100);
            });
            // Fast failure detection: a killed silo is declared dead in seconds, not the production half-minute.
            s.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 1;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            s.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            Configure?.Invoke(s);
            silo.AddHificArchive();
            silo.AddFolderJobStorage(StateFolder);
            silo.UseInMemoryReminderService();
        });
        builder.ConfigureClient(client =>
            client.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
