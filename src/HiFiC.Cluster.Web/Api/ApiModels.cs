using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Web.Scaling;

namespace HiFiC.Cluster.Web.Api;

/// <summary>POST /api/jobs. Locations are folders under the configured roots (relative = under the first root) or allowed azblob:// prefixes.</summary>
public sealed record JobRequest
{
    /// <summary>Optional id ([A-Za-z0-9._-], up to 100); generated when absent.</summary>
    public string? Id { get; init; }
    public string? Source { get; init; }
    public string? Destination { get; init; }
    /// <summary>Model id or digest (8+ hex digits); null = the default model.</summary>
    public string? Model { get; init; }
    /// <summary>Continuous rate t, -0.5..2.5 for the shipped models. Not with <see cref="RateName"/>.</summary>
    public double? Rate { get; init; }
    /// <summary>A name from the model's card (lo, mi, hi), resolved by the silo. Neither this nor Rate: "mi".</summary>
    public string? RateName { get; init; }
    public int? TileSize { get; init; }
    public bool? Verify { get; init; }
    public bool? SkipExisting { get; init; }
    public int? MaxAttempts { get; init; }
    /// <summary>Coordinator grains the job is spread over (1..64; default 1): raise for jobs of tens of millions of images a week (docs/operations.md, Scale).</summary>
    public int? Coordinators { get; init; }
    public long? SplitAbovePixels { get; init; }
    /// <summary>Encoder-side latent refinement steps per tile (0 = off; slow without GPU silos).</summary>
    public int? RefineSteps { get; init; }
    /// <summary>Encode effort: fast (no refinement), balanced or max; null = the starting silo's default (fast on CPU, balanced on GPU). Not with RefineSteps.</summary>
    public string? Effort { get; init; }
    /// <summary>Constant quality: each image at the lowest rate whose decoded image reaches this MS-SSIM in (0, 1] (never past the knee). Not with Rate or RateName.</summary>
    public double? TargetMsSsim { get; init; }
    /// <summary>Quality floor (whole image and worst tile): MS-SSIM in (0, 1]; implies verify.</summary>
    public double? MinMsSsim { get; init; }
    /// <summary>Quality floor in dB of PSNR; implies verify.</summary>
    public double? MinPsnr { get; init; }
    /// <summary>"larger", "belowFloor", "larger,belowFloor" (the default) or "never": when the original's bytes are stored instead.</summary>
    public string? KeepOriginalWhen { get; init; }
}

/// <summary>A job as the API shows it: the coordinator's status plus what the dashboard derives from it.</summary>
public sealed record JobView
{
    public required JobStatus Status { get; init; }
    /// <summary>Finished / listed items, 0-100; null while the source is still being listed and nothing is known.</summary>
    public double? Percent { get; init; }
    /// <summary>Original bytes − archived bytes; null for a restore job, which writes images bigger than the entries it reads.</summary>
    public long? BytesSaved { get; init; }
    /// <summary>Original bytes / archived bytes; null for a restore job.</summary>
    public double? Ratio { get; init; }
    public double? EtaSeconds { get; init; }

    public static JobView Of(JobStatus s) => new()
    {
        // Reasons are user messages where they are recorded; sanitised again here for any recorded by older builds.
        Status = s with
        {
            Error = s.Error is null ? null : FailureText.Sanitize(s.Error),
            Failures = s.Failures.Select(f => f with { Reason = FailureText.Sanitize(f.Reason) }).ToList(),
        },
        Percent = s.Phase == JobPhase.Done ? 100
            : s.Queued > 0 ? Math.Round(100.0 * s.Finished / s.Queued * (s.ListingComplete ? 1 : 0.99), 1) : s.ListingComplete ? 100 : null,
        BytesSaved = s.Spec?.IsRestore() == true ? null : s.BytesOut > 0 ? s.BytesIn - s.BytesOut : 0,
        Ratio = s.Spec?.IsRestore() == true ? null : s.BytesOut > 0 ? Math.Round((double)s.BytesIn / s.BytesOut, 2) : 0,
        EtaSeconds = s.Eta?.TotalSeconds,
    };
}

public sealed record ClusterView(
    string Mode,
    IReadOnlyList<SiloStats> Silos,
    long QueueDepth,
    double ItemsPerSecond,
    double MegapixelsPerSecond,
    int ActiveJobs,
    long FailedItems,
    IReadOnlyList<ThroughputPoint> History,
    ScalingAdvice Scaling);

/// <summary>PUT /api/silos/{silo}/concurrency.</summary>
public sealed record ConcurrencyRequest
{
    /// <summary>Items the silo compresses at once (model instances), 1-64.</summary>
    public int? Concurrency { get; init; }
}
