using HiFiC.Cluster.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cli.Cluster;

/// <summary>Hosts for the cluster commands: the CLI's log output, Orleans' own chatter only with --verbose.</summary>
internal static class ClusterHost
{
    public static HostApplicationBuilder CreateBuilder(CliContext cli, IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingProvider(cli.Loggers));
        builder.Logging.SetMinimumLevel(cli.Verbose ? LogLevel.Debug : LogLevel.Information);
        if (!cli.Verbose)
        {
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Polly", LogLevel.Warning);
        }
        // A graceful stop may wait for in-flight items and the last progress report.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = configuration.GetValue("HiFiC:Silo:ShutdownTimeout", TimeSpan.FromSeconds(60)));
        return builder;
    }

    /// <summary>A started client of the cluster the configuration names. Dispose it to disconnect.</summary>
    public static async Task<ConnectedClient> ConnectAsync(CliContext cli, IConfiguration configuration, CancellationToken ct)
    {
        var builder = CreateBuilder(cli, configuration);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        // A failed start is reported once, as a CLI error (the host would log the whole stack).
        if (!cli.Verbose) builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // A cluster that is starting (or a gateway that just died) is not an error yet: retry for a while.
        var patience = configuration.GetValue("HiFiC:Client:ConnectTimeout", TimeSpan.FromSeconds(20));
        builder.UseOrleansClient(c => c.UseHificCluster(configuration, patience, TimeSpan.FromMilliseconds(500)));
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            var o = HificClient.ReadClusterOptions(configuration);
            throw new CliException(ExitCodes.InputsFailed,
                $"cannot reach cluster {o.ServiceId}/{o.ClusterId} ({o.Clustering} clustering): {e.Message}");
        }
        return new ConnectedClient(host);
    }

    private sealed class ForwardingProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);
        public void Dispose() { }
    }
}

internal sealed class ConnectedClient(IHost host) : IAsyncDisposable
{
    public IClusterClient Client => host.Services.GetRequiredService<IClusterClient>();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await host.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        host.Dispose();
    }
}
