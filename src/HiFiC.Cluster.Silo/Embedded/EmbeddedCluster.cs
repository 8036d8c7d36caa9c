using System.Net;
using System.Net.Sockets;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Silo.Embedded;

/// <summary>
/// A one-silo cluster inside the calling process: localhost clustering on free ports, memory job
/// storage, in-process queue, folder blob store. The silo's own client (co-hosted) talks to the
/// grains, so nothing leaves the process.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly IHost host;

    private EmbeddedCluster(IHost host) => this.host = host;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();
    public IServiceProvider Services => host.Services;

    public static async Task<EmbeddedCluster> StartAsync(ICodecModelSource? models, int modelInstances, int threadsPerInstance,
        Action<ILoggingBuilder>? logging, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        if (models is not null) builder.Services.AddSingleton(models);
        builder.Services.Configure<ModelPoolOptions>(o => { o.Instances = modelInstances; o.ThreadsPerInstance = threadsPerInstance; });
        builder.UseOrleans(silo => HificSingleSilo.Configure(silo, null, new SingleSiloSettings()));
        var host = builder.Build();
        await host.StartAsync(ct);
        return new EmbeddedCluster(host);
    }


    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await host.StopAsync(timeout.Token); }
        finally { host.Dispose(); }
    }
}
