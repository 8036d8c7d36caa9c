namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// A snapshot of a job. Counters are exact: the coordinator counts each item once, however often
/// the queue delivers it. Queued counts every item handed to the queue so far; while the source is
/// still being listed the total is unknown, so <see cref="Eta"/> is null until listing ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.JobStatus.v1")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobSpec? Spec { get; init; }
    [Id(2)] public JobPhase Phase { get; init; }
    [Id(3)] public long Queued { get; init; }
    [Id(4)] public long Running { get; init; }
    [Id(5)] public long Done { get; init; }
    [Id(6)] public long Failed { get; init; }
    [Id(7)] public long Skipped { get; init; }
    [Id(8)] public long Cancelled { get; init; }
    [Id(9)] public long BytesIn { get; init; }
    [Id(10)] public long BytesOut { get; init; }
    [Id(11)] public long Pixels { get; init; }
    /// <summary>Bits of output per pixel over all archived images (total bits / total pixels).</summary>
    [Id(12)] public double MeanBpp { get; init; }
    /// <summary>Finished items (done + failed) per second of active (unpaused) time.</summary>
    [Id(13)] public double ItemsPerSecond { get; init; }
    [Id(14)] public double MegapixelsPerSecond { get; init; }
    [Id(15)] public TimeSpan? Eta { get; init; }
    /// <summary>The most recent failures (capped, see <see cref="FailuresTotal"/>).</summary>
    [Id(16)] public IReadOnlyList<JobFailure> Failures { get; init; } = [];
    [Id(17)] public long FailuresTotal { get; init; }
    /// <summary>The enumeration cursor: the last source path handed out; null before the first page and after the last.</summary>
    [Id(18)] public string? Cursor { get; init; }
    [Id(19)] public bool ListingComplete { get; init; }
    [Id(20)] public DateTime? StartedUtc { get; init; }
    [Id(21)] public DateTime? FinishedUtc { get; init; }
    [Id(22)] public TimeSpan ActiveTime { get; init; }
    [Id(23)] public string? ModelId { get; init; }
    [Id(24)] public string? ModelDigest { get; init; }
    /// <summary>Why the job failed (phase Failed).</summary>
    [Id(25)] public string? Error { get; init; }
    /// <summary>The silo hosting the coordinator right now (diagnostics; changes after a silo dies).</summary>
    [Id(26)] public string? HostSilo { get; init; }
    /// <summary>Items handed out and not yet finished.</summary>
    [Id(27)] public long Outstanding { get; init; }
    /// <summary>Progress reports that named items already finished (redeliveries): ignored, counted here.</summary>
    [Id(28)] public long DuplicateReports { get; init; }
    /// <summary>Images split into tile items, and tiles encoded so far.</summary>
    [Id(29)] public long SplitImages { get; init; }
    [Id(30)] public long TilesDone { get; init; }
    /// <summary>The rate t the job codes at (its spec's rate name resolved on the model's card, or its rate).</summary>
    [Id(31)] public double? Rate { get; init; }
    /// <summary>Of <see cref="Done"/>, the images stored as their original bytes (larger as .hific, below the floor, or not codable whole).</summary>
    [Id(32)] public long KeptOriginal { get; init; }
    /// <summary>Failures recorded with reasons, paged through IArchiveJobGrain.GetFailuresAsync (<see cref="Failures"/> holds the newest of them). Id 60: kept apart from other branches' additions.</summary>
    [Id(60)] public long FailuresRecorded { get; init; }

    /// <summary>Constant-quality jobs: images coded per chosen rate t, lowest rate first (empty otherwise).</summary>
    [Id(70)] public IReadOnlyList<RateCount> ChosenRates { get; init; } = [];
    /// <summary>Constant-quality jobs: images that could not reach the target below the knee (coded at the knee rate).</summary>
    [Id(71)] public long TargetMissed { get; init; }
    /// <summary>Restore jobs: of <see cref="Skipped"/>, outputs left alone because the file at their name is not this
    /// system's restore (someone else's, or changed after it was written); <c>Overwrite</c> replaces them.</summary>
    [Id(72)] public long LeftAlone { get; init; }

    public long Finished => Done + Failed + Skipped + Cancelled;
    /// <summary>Coordinator grains counting this job (1, or the spec's shard count); their silos, the job's own first (issue 22, Ids 80-89).</summary>
    [Id(80)] public int Coordinators { get; init; } = 1;
    [Id(81)] public IReadOnlyList<string> CoordinatorSilos { get; init; } = [];
}
