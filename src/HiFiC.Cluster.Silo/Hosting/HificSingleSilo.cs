using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage.Locations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HiFiC.Cluster.Silo.Hosting;

/// <summary>
/// The one place a one-process silo is configured (<see cref="SingleSiloSettings"/>): `hific archive`
/// (<see cref="Embedded.EmbeddedCluster"/>) and the web host in embedded mode (`hific web`, which hands
/// this method to the web host). A silo of a real cluster (`hific silo`) is <see cref="HificClusterHosting"/>'s;
/// both add the same archive services (<see cref="HificArchiveSiloExtensions.AddHificArchive"/>).
/// </summary>
public static class HificSingleSilo
{
    public static void Configure(ISiloBuilder silo, IConfiguration? configuration, SingleSiloSettings settings)
    {
        // Fixed ports would collide with another run (or a test) on the same machine: 0 = a free one.
        silo.UseLocalhostClustering(settings.SiloPort > 0 ? settings.SiloPort : LoopbackPorts.Next(),
            settings.GatewayPort > 0 ? settings.GatewayPort : LoopbackPorts.Next(),
            serviceId: settings.ServiceId, clusterId: settings.ClusterId ?? "hific-embedded-" + Guid.NewGuid().ToString("N"));
        // A private in-process queue: two one-process silos in one process (tests, two `hific archive` runs) must not share work.
        silo.Services.AddSingleton(new InProcessQueueHub());
        silo.AddHificArchive(configuration);
        if (string.IsNullOrWhiteSpace(settings.StateFolder)) silo.AddMemoryGrainStorage(ArchiveStorage.JobStore);
        else silo.AddFolderJobStorage(settings.StateFolder);
        silo.UseInMemoryReminderService();
        if (settings.DefaultRoots is { Count: > 0 } roots)
        {
            // Storage in this process is confined to the host's roots unless HiFiC:Storage:Roots names its own.
            silo.Services.AddOptions<StorageRootsOptions>().PostConfigure(o =>
            {
                if (o.Roots.Count == 0) o.Roots.AddRange(roots);
            });
        }
    }
}
