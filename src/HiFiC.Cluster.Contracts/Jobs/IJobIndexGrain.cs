namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// The ids of the jobs started through the web API, newest first (key 0). Bounded: only the most
/// recent <c>Capacity</c> ids are kept; a job's own grain keeps its state regardless.
/// </summary>
[Alias("hific.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithIntegerKey
{
    public const int Capacity = 1000;

    [Alias("Add")] Task AddAsync(string jobId);
    [Alias("List")] Task<IReadOnlyList<string>> ListAsync(int max);
}
