using System.CommandLine;
using Microsoft.Extensions.Hosting;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Queue;
using Microsoft.Extensions.Logging;
using HiFiC.Codec.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using Orleans.Runtime;
using TorchSharp;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// `hific silo [--config FILE] [KEY=VALUE...]`: one silo of a running cluster, until Ctrl+C or
/// SIGTERM. Then it stops taking items, hands back the ones it was compressing (another silo
/// takes them at once), sends its last progress reports and leaves the cluster.
/// </summary>
public sealed class SiloCommand : Command
{
    private readonly Option<string?> config = ClusterConfig.FileOption();

    public SiloCommand(CliContext cli) : base("silo", "Run a silo of an archive cluster (settings from appsettings.json, --config, environment and KEY=VALUE arguments).")
    {
        Add(config);
        ClusterConfig.AcceptSettings(this);
        SetAction((r, ct) => ExecuteAsync(cli, r, ct));
    }

    private async Task<int> ExecuteAsync(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var configuration = ClusterConfig.Build(r, config);
        var cluster = HificClient.ReadClusterOptions(configuration);
        var models = configuration.GetSection(SiloModelOptions.Section).Get<SiloModelOptions>() ?? new SiloModelOptions();
        var registry = models.Folder is { } folder ? new ModelRegistry([Path.GetFullPath(folder)]) : cli.Models;
        var preloaded = registry.Load(models.Preload);
        var queue = configuration.GetSection(WorkQueueOptions.Section).Get<WorkQueueOptions>() ?? new WorkQueueOptions();
        var log = cli.Logger("hific.silo");
        log.LogInformation("Computing on {Device}; model {Model} ({Digest})", Device(), preloaded.Id, preloaded.Digest[..12]);

        var builder = ClusterHost.CreateBuilder(cli, configuration);
        builder.Services.AddSingleton<ICodecModelSource>(new RegistryModelSource(registry));
        builder.UseOrleans(silo =>
        {
            silo.UseHificCluster(configuration);
            // The Orleans Dashboard's grains: a web host in client mode serves /orleans from them.
            if (configuration.GetValue("HiFiC:Silo:OrleansDashboard", true)) silo.AddDashboard();
        });
        using var host = builder.Build();
        await host.StartAsync(ct);
        var address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        log.LogInformation("Silo {Address} joined cluster {Service}/{Cluster} ({Clustering} clustering, {Storage} job state, {Reminders} reminders); " +
                           "queue {Queue} ({Provider}); Ctrl+C or SIGTERM to leave",
            address, cluster.ServiceId, cluster.ClusterId, cluster.Clustering, cluster.EffectiveStorage, cluster.EffectiveReminders, queue.Name, queue.Provider);

        try { await Task.Delay(Timeout.Infinite, ct); }
        catch (OperationCanceledException) { }
        log.LogInformation("Stopping: no new items; in-flight items are handed back, progress flushed");
        // The host's ShutdownTimeout bounds each service's stop, but a provider that retries an
        // unreachable store (Azure Table membership with the storage gone) can outlive it: past
        // that and a grace period, leave ungracefully rather than hang. Undelivered queue
        // messages become visible again after their lease, and the other silos declare this one
        // dead, so no item is lost.
        var grace = configuration.GetValue("HiFiC:Silo:ShutdownTimeout", TimeSpan.FromSeconds(60)) + TimeSpan.FromSeconds(15);
        var stop = host.StopAsync(CancellationToken.None);
        if (await Task.WhenAny(stop, Task.Delay(grace)) != stop)
        {
            log.LogError("Silo {Address} did not stop within {Grace}; leaving without a clean goodbye (is cluster storage reachable?)", address, grace);
            return ExitCodes.Internal;
        }
        await stop;
        log.LogInformation("Silo {Address} left the cluster", address);
        return ExitCodes.Ok;
    }

    private static string Device() => HiFiC.Codec.Networks.TorchRuntime.OnGpu
        ? $"CUDA ({HiFiC.Codec.Networks.TorchRuntime.Device}; {torch.cuda.device_count()} device(s) visible, one used per silo)"
        : $"CPU ({torch.get_num_threads()} intra-op thread(s), {Environment.ProcessorCount} core(s))";
}
