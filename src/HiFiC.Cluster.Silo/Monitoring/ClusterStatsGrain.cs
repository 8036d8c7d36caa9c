using HiFiC.Cluster.Contracts.Monitoring;

namespace HiFiC.Cluster.Silo.Monitoring;

/// <summary>The latest self-report of every silo; silos that stop reporting drop out.</summary>
public sealed class ClusterStatsGrain : Grain, IClusterStatsGrain
{
    private readonly Dictionary<string, SiloStats> silos = new(StringComparer.Ordinal);

    public Task ReportAsync(SiloStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        silos[stats.Silo] = stats with { ReportedUtc = DateTime.UtcNow };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiloStats>> GetSilosAsync()
    {
        var cutoff = DateTime.UtcNow.AddSeconds(-IClusterStatsGrain.StaleAfterSeconds);
        foreach (var stale in silos.Where(s => s.Value.ReportedUtc < cutoff).Select(s => s.Key).ToList()) silos.Remove(stale);
        IReadOnlyList<SiloStats> list = silos.Values.OrderBy(s => s.Silo, StringComparer.Ordinal).ToList();
        return Task.FromResult(list);
    }
}
