namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// What an archive job does. Source and destination are blob locations: a local folder path
/// (the embedded default) or a provider URI. Originals are only ever read.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.JobSpec.v1")]
public sealed record JobSpec
{
    // The defaults every front end uses (CLI, API, embedded runner): settings have one home.
    public const double DefaultRate = 1.0;
    public const int DefaultTileSize = 512;
    public const int DefaultMaxAttempts = 3;
    public const long DefaultSplitAbovePixels = 16L << 20;
    /// <summary>The rate name a job gets with neither rate nor target: the codec's CodecModel.DefaultRateName (a test pins they agree).</summary>
    public const string DefaultRateName = "mi";

    /// <summary>Where the originals are: a folder or a container/prefix URI.</summary>
    [Id(0)] public required string Source { get; init; }
    /// <summary>Where bitstreams and manifests go. Must not lie inside the source.</summary>
    [Id(1)] public required string Destination { get; init; }
    /// <summary>Model id, digest (prefix of 8+ hex digits) or folder; null picks the default model.</summary>
    [Id(2)] public string? Model { get; init; }
    /// <summary>Continuous rate t: the trained levels are 0, 1, 2 for three-level models (-0.5..2.5 accepted). Ignored when <see cref="RateName"/> is set.</summary>
    [Id(3)] public double Rate { get; init; } = DefaultRate;
    /// <summary>Tile edge in pixels (multiple of 64).</summary>
    [Id(4)] public int TileSize { get; init; } = DefaultTileSize;
    /// <summary>Decode every written file and compare latent hashes before the item counts as done.</summary>
    [Id(5)] public bool Verify { get; init; }
    /// <summary>
    /// Skip sources the archive provably holds already: the manifest's source SHA-256 is the file's
    /// now, its bitstream exists with the manifest's SHA-256, and model, rate, tile size and
    /// refinement are this job's. Anything else is archived again.
    /// </summary>
    [Id(6)] public bool SkipExisting { get; init; } = true;
    /// <summary>Deliveries of one item before it is declared poison and listed as failed.</summary>
    [Id(7)] public int MaxAttempts { get; init; } = DefaultMaxAttempts;
    /// <summary>Images with more pixels than this are split into tile items encoded in parallel by any silo (0 = never split).</summary>
    [Id(8)] public long SplitAbovePixels { get; init; } = DefaultSplitAbovePixels;
    /// <summary>
    /// Steps of encoder-side latent refinement per tile (0 = off): better quality at about the same
    /// size for more encode time. Cheap on GPU silos, slow on CPUs. Any decoder reads the result.
    /// </summary>
    [Id(9)] public int RefineSteps { get; init; }
    /// <summary>
    /// A rate name from the model's card (lo, mi, hi), resolved to t by the silo that starts the job,
    /// once the model is known: the names are placed per model (hific-lite's mi is t = 0.86).
    /// The status reports the t it became.
    /// </summary>
    [Id(10)] public string? RateName { get; init; }
    /// <summary>Quality floor (issue 17): the decoded image and its worst tile must reach this MS-SSIM; implies verify. Null = none.</summary>
    [Id(11)] public double? MinMsSsim { get; init; }
    /// <summary>Quality floor in dB of PSNR, checked like <see cref="MinMsSsim"/>.</summary>
    [Id(12)] public double? MinPsnr { get; init; }
    /// <summary>When the original's bytes are stored instead of the .hific; null = larger,belowFloor (<see cref="QualityFloor.DefaultWhen"/>).</summary>
    [Id(13)] public KeepOriginalWhen? KeepOriginalWhen { get; init; }
    /// <summary>
    /// Encode effort (<see cref="JobEffort"/>: fast, balanced, max): refinement steps chosen by level.
    /// Null with <see cref="RefineSteps"/> 0 = the default of the silo that starts the job (fast on a
    /// CPU silo, balanced on a GPU silo), resolved once so every item of the job is coded alike.
    /// Excludes <see cref="RefineSteps"/> &gt; 0.
    /// </summary>
    [Id(14)] public string? Effort { get; init; }

    // Ids 90-99: issue 19 item 4 (restore jobs), kept apart from other branches' additions.
    /// <summary>
    /// <see cref="JobKind.Archive"/> (null: jobs before kinds) or <see cref="JobKind.Restore"/>: then
    /// <see cref="Source"/> is the archive, <see cref="Destination"/> the folder restored images go to,
    /// and the model, rate and encoding settings are not used (each entry names its own model).
    /// </summary>
    [Id(90)] public string? Kind { get; init; }
    /// <summary>Restore jobs: only entries under this folder of the archive (a relative '/' path); null = the whole archive.</summary>
    [Id(91)] public string? Folder { get; init; }
    /// <summary>Restore jobs: png, jpeg or webp; null = PNG, and an entry kept as its original comes back as its own bytes.</summary>
    [Id(92)] public string? Format { get; init; }
    /// <summary>Restore jobs: 1..100 for jpeg and webp; null = the format's default.</summary>
    [Id(93)] public int? Quality { get; init; }
    /// <summary>Restore jobs: replace images already in the destination; false = leave them and count them as skipped.</summary>
    [Id(94)] public bool Overwrite { get; init; }
    /// <summary>
    /// Constant quality (issue 15): code each image at the lowest rate whose decoded image reaches
    /// this MS-SSIM, chosen per image (never past the model's knee; the manifest records the rate
    /// chosen and whether the target was reached). Excludes <see cref="Rate"/> and <see cref="RateName"/>.
    /// Images with a target are coded whole, never split (the search needs the whole image).
    /// </summary>
    [Id(70)] public double? TargetMsSsim { get; init; }
    /// <summary>
    /// Coordinator grains the job is spread over (issue 22): 1 = one grain lists the source and counts
    /// every item; N &gt; 1 = the job's grain starts N shard coordinators, each listing the source and
    /// taking the items whose path hashes to it, with its own in-flight window and state, and sums
    /// their counters. One grain's window caps a job at about MaxInFlight / (seconds an item is in
    /// flight) images/s; N shards raise that N-fold. Ids 80-89: issue 22's range.
    /// </summary>
    [Id(80)] public int Coordinators { get; init; } = 1;
}
