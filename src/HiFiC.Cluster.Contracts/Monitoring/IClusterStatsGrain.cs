namespace HiFiC.Cluster.Contracts.Monitoring;

/// <summary>
/// Collects the silos' self-reports (key 0). Not persisted: silos report every few seconds, and a
/// silo that stops reporting drops out after <c>StaleAfterSeconds</c>.
/// </summary>
[Alias("hific.IClusterStatsGrain")]
public interface IClusterStatsGrain : IGrainWithIntegerKey
{
    public const int StaleAfterSeconds = 20;

    [Alias("Report")] Task ReportAsync(SiloStats stats);
    [Alias("GetSilos")] Task<IReadOnlyList<SiloStats>> GetSilosAsync();
}
