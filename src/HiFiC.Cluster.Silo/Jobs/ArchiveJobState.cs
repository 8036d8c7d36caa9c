using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>
/// The coordinator's persisted state. InFlight holds every item handed out and not yet finished
/// (bounded by JobOptions.MaxInFlight): an outcome counts only if its item is in there, which
/// makes counting exactly-once over an at-least-once queue without remembering finished items.
/// Every collection here is bounded whatever the job's size (issue 22): InFlight by MaxInFlight,
/// the tile maps by the split images in flight (TileSha256 by JobOptions.MaxOpenTiles), Failures by MaxRecordedFailures (older pages go to
/// blobs, reasons and paths are clipped when recorded).
/// </summary>
[GenerateSerializer, Alias("hific.ArchiveJobState.v1")]
public sealed class ArchiveJobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobPhase Phase { get; set; }
    /// <summary>The phase to return to on resume.</summary>
    [Id(2)] public JobPhase PausedFrom { get; set; }
    [Id(3)] public string? Cursor { get; set; }
    [Id(4)] public bool ListingComplete { get; set; }
    /// <summary>Item key (WorkKeys) → started (a worker said so), for items handed out and not finished.</summary>
    [Id(5)] public Dictionary<string, bool> InFlight { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public long Queued { get; set; }
    [Id(7)] public long Done { get; set; }
    [Id(8)] public long Failed { get; set; }
    [Id(9)] public long Skipped { get; set; }
    [Id(10)] public long Cancelled { get; set; }
    [Id(11)] public long BytesIn { get; set; }
    [Id(12)] public long BytesOut { get; set; }
    [Id(13)] public long Pixels { get; set; }
    [Id(14)] public List<JobFailure> Failures { get; set; } = [];
    [Id(15)] public DateTime? StartedUtc { get; set; }
    [Id(16)] public DateTime? FinishedUtc { get; set; }
    /// <summary>Active (unpaused) time before <see cref="ActiveSinceUtc"/>.</summary>
    [Id(17)] public TimeSpan ActiveBefore { get; set; }
    /// <summary>When the current active stretch began; null while paused or finished.</summary>
    [Id(18)] public DateTime? ActiveSinceUtc { get; set; }
    [Id(19)] public string? ModelId { get; set; }
    [Id(20)] public string? ModelDigest { get; set; }
    [Id(21)] public string? Error { get; set; }
    [Id(22)] public long DuplicateReports { get; set; }
    /// <summary>Split images → tiles not yet encoded; when it reaches 0 the assembly item goes out.</summary>
    [Id(23)] public Dictionary<string, int> TilesLeft { get; set; } = new(StringComparer.Ordinal);
    [Id(24)] public long SplitImages { get; set; }
    [Id(25)] public long TilesDone { get; set; }
    /// <summary>The rate t the job codes at: the spec's, or its rate name resolved on the model's card. Null in jobs started before names.</summary>
    [Id(26)] public double? Rate { get; set; }
    /// <summary>Split images whose remaining tiles wait for room under MaxInFlight (see ArchiveJobGrain.SendPendingTiles).</summary>
    [Id(27)] public Dictionary<string, PendingTiles> PendingTiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Split images → SHA-256 of each tile part counted so far (tile order); the assembly item carries them. Ids from 40 on: kept apart from other additions.</summary>
    [Id(40)] public Dictionary<string, string[]> TileSha256 { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Of Done, the images stored as their original bytes (issue 17).</summary>
    [Id(28)] public long KeptOriginal { get; set; }

    /// <summary>
    /// The effort the job codes at, resolved once at its start (the spec's, or the starting silo's
    /// default), and its refinement steps. Null effort: an explicit step count, or a job started before
    /// efforts (its spec's RefineSteps). Ids from 50 on: kept apart from other additions.
    /// </summary>
    [Id(50)] public string? Effort { get; set; }
    [Id(51)] public int? RefineSteps { get; set; }
    /// <summary>Ids 52+ for issue 22 (kept apart from other branches' additions). Failures moved out of <see cref="Failures"/> into blob pages (ArchiveNaming.FailurePage), oldest first (issue 22).</summary>
    [Id(52)] public long FailuresSpilled { get; set; }
    /// <summary>Failures per blob page, fixed when the first page is written (0: none yet), so a changed option never reshuffles pages.</summary>
    [Id(53)] public int FailurePageSize { get; set; }
    /// <summary>Constant-quality jobs: images done per chosen rate t, and those that missed the target.</summary>
    [Id(70)] public Dictionary<double, long> ChosenRates { get; set; } = new();
    [Id(71)] public long TargetMissed { get; set; }
    /// <summary>Restore jobs: of Skipped, outputs left alone (a file there that this system did not write).</summary>
    [Id(72)] public long LeftAlone { get; set; }

    /// <summary>
    /// Ids 80-89 (issue 22, sharded coordinators). A shard's parent job id (null: this grain is a job
    /// of its own, maybe the parent of shards), and which of how many shards it is: it takes the
    /// listed items whose path hashes to <see cref="ShardIndex"/> (ShardStart.Of).
    /// </summary>
    [Id(80)] public string? ParentId { get; set; }
    [Id(81)] public int ShardIndex { get; set; }
    [Id(82)] public int ShardCount { get; set; }

    public TimeSpan ActiveTime(DateTime now) => ActiveBefore + (ActiveSinceUtc is { } s ? now - s : TimeSpan.Zero);
}
