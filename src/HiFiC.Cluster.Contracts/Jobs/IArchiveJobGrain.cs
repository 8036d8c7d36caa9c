using Orleans.Concurrency;
using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// The coordinator of one archive job (key = job id). Its state (spec, phase, counters, cursor,
/// the bounded set of items in flight) is persisted, so it survives the death of its silo.
/// </summary>
[Alias("hific.IArchiveJobGrain")]
public interface IArchiveJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job. Idempotent for the same spec; another spec under a used id is refused.</summary>
    [Alias("Start")] Task<JobStatus> StartAsync(JobSpec spec);
    /// <summary>
    /// A snapshot, interleaved with the coordinator's turns (it only reads): a status must not wait
    /// behind a queue of progress batches and ticks, which on a loaded machine outlasted the 30 s
    /// call timeout (issue 22's scale run). A sharded job answers from its shards' statuses of its last tick.
    /// </summary>
    [Alias("GetStatus"), AlwaysInterleave] Task<JobStatus> GetStatusAsync();

    /// <summary>
    /// Starts this grain as shard <see cref="ShardStart.Index"/> of a job spread over several
    /// coordinators (called by the job's own grain; idempotent). The shard lists the whole source and
    /// takes the items whose path hashes to it; it holds no destination lock (the job's grain does).
    /// </summary>
    [Alias("StartShard")] Task<JobStatus> StartShardAsync(ShardStart start);
    [Alias("Pause")] Task<JobStatus> PauseAsync();
    [Alias("Resume")] Task<JobStatus> ResumeAsync();
    [Alias("Cancel")] Task<JobStatus> CancelAsync();

    /// <summary>Cheap phase look-up that workers cache (pause/cancel reach them through it).</summary>
    [Alias("GetPhase"), AlwaysInterleave] Task<JobPhase> GetPhaseAsync();

    /// <summary>
    /// Applies a batch of outcomes and persists them before returning, so a worker may settle its
    /// queue messages once this returns. Outcomes for items not in flight are ignored (redeliveries).
    /// </summary>
    [Alias("ReportProgress")] Task<ProgressAck> ReportProgressAsync(ProgressBatch batch);

    /// <summary>
    /// Up to <paramref name="count"/> (at most 1,000) recorded failures from <paramref name="offset"/>,
    /// oldest first: older pages come from blobs in the destination, the newest from the coordinator's state.
    /// </summary>
    [Alias("GetFailures")] Task<JobFailurePage> GetFailuresAsync(long offset, int count);
}
