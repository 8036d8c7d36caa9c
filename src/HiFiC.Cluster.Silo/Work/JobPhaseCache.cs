using System.Collections.Concurrent;
using HiFiC.Cluster.Contracts.Jobs;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// Each silo's view of its jobs' phases, refreshed at most every PhaseRefresh: asking the
/// coordinator once per item would make it the bottleneck the batching avoids.
/// </summary>
public sealed class JobPhaseCache(IGrainFactory grains, IOptions<WorkerOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (JobPhase Phase, DateTimeOffset At)> phases = new();

    public async ValueTask<JobPhase> GetAsync(string jobId)
    {
        var now = time.GetUtcNow();
        if (phases.TryGetValue(jobId, out var hit) && (hit.Phase.IsTerminal() || now - hit.At < options.Value.PhaseRefresh))
            return hit.Phase;
        var phase = await grains.GetGrain<IArchiveJobGrain>(jobId).GetPhaseAsync();
        phases[jobId] = (phase, now);
        return phase;
    }
}
