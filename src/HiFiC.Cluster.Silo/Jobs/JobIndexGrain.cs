using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Silo.Jobs;

[GenerateSerializer, Alias("hific.JobIndexState.v1")]
public sealed class JobIndexState
{
    /// <summary>Oldest first; trimmed to <see cref="IJobIndexGrain.Capacity"/>.</summary>
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <summary>The ids of jobs started through the web API, in the job store so they outlive any silo.</summary>
public sealed class JobIndexGrain(
    [PersistentState("index", ArchiveStorage.JobStore)] IPersistentState<JobIndexState> store) : Grain, IJobIndexGrain
{
    public async Task AddAsync(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var ids = store.State.Ids;
        if (ids.Contains(jobId)) return;
        ids.Add(jobId);
        if (ids.Count > IJobIndexGrain.Capacity) ids.RemoveRange(0, ids.Count - IJobIndexGrain.Capacity);
        await store.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync(int max)
    {
        var ids = store.State.Ids;
        IReadOnlyList<string> newest = ids.AsEnumerable().Reverse().Take(Math.Max(0, max)).ToList();
        return Task.FromResult(newest);
    }
}
