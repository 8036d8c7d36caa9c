using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;

namespace HiFiC.Cluster.Silo.Embedded;

/// <summary>An archive job run in-process (the `hific archive compress` command).</summary>
public sealed record ArchiveRunOptions
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public string? Model { get; init; }
    public double Rate { get; init; } = JobSpec.DefaultRate;
    public int TileSize { get; init; } = JobSpec.DefaultTileSize;
    public bool Verify { get; init; }
    public bool SkipExisting { get; init; } = true;
    public int MaxAttempts { get; init; } = JobSpec.DefaultMaxAttempts;
    /// <summary>Images above this many pixels are split into tile items (0 = never).</summary>
    public long SplitAbovePixels { get; init; } = JobSpec.DefaultSplitAbovePixels;
    /// <summary>Encoder-side latent refinement steps per tile (0 = off).</summary>
    public int RefineSteps { get; init; }
    /// <summary>Encode effort (fast, balanced, max); null with RefineSteps 0 = the silo's default.</summary>
    public string? Effort { get; init; }
    /// <summary>Constant quality: each image at the lowest rate reaching this MS-SSIM (see <see cref="JobSpec.TargetMsSsim"/>).</summary>
    public double? TargetMsSsim { get; init; }
    /// <summary>Quality floor (MS-SSIM, PSNR dB) on the whole image and its worst tile; implies verify. Null = none.</summary>
    public double? MinMsSsim { get; init; }
    public double? MinPsnr { get; init; }
    /// <summary>When originals are stored as they are; null = larger,belowFloor.</summary>
    public Contracts.Jobs.KeepOriginalWhen? KeepOriginalWhen { get; init; }
    /// <summary>Model instances in the embedded silo (0 = by cores).</summary>
    public int ModelInstances { get; init; }
    public int ThreadsPerInstance { get; init; } = 2;
    /// <summary>How often progress is reported.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Models to use instead of the registry (tests, a host that loaded its own).</summary>
    public ICodecModelSource? Models { get; init; }

    /// <summary>The job these options run (folders made absolute: the silo resolves them as given).</summary>
    public JobSpec ToSpec() => new()
    {
        Source = Path.GetFullPath(Source),
        Destination = Path.GetFullPath(Destination),
        Model = Model,
        Rate = Rate,
        TileSize = TileSize,
        Verify = Verify,
        SkipExisting = SkipExisting,
        MaxAttempts = MaxAttempts,
        SplitAbovePixels = SplitAbovePixels,
        RefineSteps = RefineSteps,
        Effort = Effort,
        TargetMsSsim = TargetMsSsim,
        MinMsSsim = MinMsSsim,
        MinPsnr = MinPsnr,
        KeepOriginalWhen = KeepOriginalWhen,
    };
}
