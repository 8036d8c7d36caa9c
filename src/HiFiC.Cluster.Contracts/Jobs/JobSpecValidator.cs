namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// The one set of rules for job settings. The coordinator applies it to every job it starts;
/// front ends (CLI, HTTP API and dashboard, embedded runner) apply the same rules first so a bad
/// setting is refused at once, in their own form (exit code and option name, 400 with the field),
/// instead of a job that fails every image. Model-dependent rules (the model's rate range, rate
/// names) are checked by the coordinator once the model is resolved.
/// </summary>
public static class JobSpecValidator
{
    /// <summary>Key in <see cref="Exception.Data"/> naming the field at fault (Orleans carries Data to the caller).</summary>
    public const string FieldKey = "hific.field";

    // The codec's own limits (HiFiC.Codec CompressOptions): repeated here because the contracts
    // do not reference the codec; a test keeps the two in step.
    public const int MinTileSize = 64, MaxTileSize = 4096, TileMultiple = 64;
    public const int MaxRefineSteps = 1000, MaxRefineTileSize = 1024;
    public const int MaxAttemptsLimit = 20;
    /// <summary>Shard coordinators of one job at most: the parent asks each for its status every tick.</summary>
    public const int MaxCoordinators = 64;
    public const long MaxSplitAbovePixels = 1L << 36;
    /// <summary>The widest rate range of any model (three levels, half a level of extrapolation each side); the model's own range is checked when it is known.</summary>
    public const double MinRate = -0.5, MaxRate = 2.5;

    public static IReadOnlyList<JobSpecError> Check(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<JobSpecError>();
        void Err(string field, string message) => errors.Add(new JobSpecError(field, message));
        if (string.IsNullOrWhiteSpace(spec.Source)) Err("source", "a source location is required");
        if (string.IsNullOrWhiteSpace(spec.Destination)) Err("destination", "a destination location is required");
        if (spec.RateName is null && (!double.IsFinite(spec.Rate) || spec.Rate < MinRate || spec.Rate > MaxRate))
            Err("rate", $"must be within {MinRate}..{MaxRate} (got {spec.Rate})");
        if (spec.RateName is { } name && (name.Length is 0 or > 32 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            Err("rateName", "must be a rate name from the model's card, e.g. lo, mi or hi");
        if (spec.TileSize < MinTileSize || spec.TileSize > MaxTileSize || spec.TileSize % TileMultiple != 0)
            Err("tileSize", $"must be a multiple of {TileMultiple} between {MinTileSize} and {MaxTileSize} (got {spec.TileSize})");
        if (spec.MaxAttempts < 1 || spec.MaxAttempts > MaxAttemptsLimit)
            Err("maxAttempts", $"must be between 1 and {MaxAttemptsLimit} (got {spec.MaxAttempts})");
        if (spec.SplitAbovePixels < 0 || spec.SplitAbovePixels > MaxSplitAbovePixels)
            Err("splitAbovePixels", $"must be between 0 and 2^36 (got {spec.SplitAbovePixels})");
        if (spec.RefineSteps < 0 || spec.RefineSteps > MaxRefineSteps)
            Err("refineSteps", $"must be between 0 and {MaxRefineSteps} (got {spec.RefineSteps})");
        else if (spec.RefineSteps > 0 && spec.TileSize > MaxRefineTileSize)
            Err("refineSteps", $"needs a tile size of {MaxRefineTileSize} or less (refinement memory grows with the tile; got {spec.TileSize})");
        if (spec.Effort is { } effort)
        {
            if (!JobEffort.IsKnown(effort)) Err("effort", $"must be one of {string.Join(", ", JobEffort.Names)} (got '{effort}')");
            else if (spec.RefineSteps > 0) Err("effort", "give either an effort or a number of refinement steps, not both");
            else if (JobEffort.Steps(effort) > 0 && spec.TileSize > MaxRefineTileSize)
                Err("effort", $"{effort} refines, which needs a tile size of {MaxRefineTileSize} or less (got {spec.TileSize})");
        }
        if (spec.Coordinators < 1 || spec.Coordinators > MaxCoordinators)
            Err("coordinators", $"must be between 1 and {MaxCoordinators} (got {spec.Coordinators})");
        if (QualityFloor.Check(spec.MinMsSsim, spec.MinPsnr) is { } floorError)
            Err(floorError.StartsWith("minPsnr", StringComparison.Ordinal) ? "minPsnr" : "minMsSsim", floorError);
        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming every problem, its Data[<see cref="FieldKey"/>] set to the first field.</summary>
    public static void ThrowIfInvalid(JobSpec spec)
    {
        var errors = Check(spec);
        if (errors.Count == 0) return;
        var e = new ArgumentException(string.Join("; ", errors.Select(x => $"{x.Field}: {x.Message}")));
        e.Data[FieldKey] = errors[0].Field;
        throw e;
    }
}
