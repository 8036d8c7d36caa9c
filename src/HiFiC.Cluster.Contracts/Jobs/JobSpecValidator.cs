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
        if (spec.TargetMsSsim is { } target)
        {
            if (!(target > 0 && target <= 1)) Err("targetMsSsim", $"must be in (0, 1] (got {target.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
            // Rate has a default, so only a rate other than it (or a rate name) counts as given.
            else if (spec.RateName is not null || spec.Rate != JobSpec.DefaultRate)
                Err("targetMsSsim", "chooses the rate per image: give a target MS-SSIM or a rate (or bpp), not both");
        }
        if (spec.Coordinators < 1 || spec.Coordinators > MaxCoordinators)
            Err("coordinators", $"must be between 1 and {MaxCoordinators} (got {spec.Coordinators})");
        if (QualityFloor.Check(spec.MinMsSsim, spec.MinPsnr) is { } floorError)
            Err(floorError.StartsWith("minPsnr", StringComparison.Ordinal) ? "minPsnr" : "minMsSsim", floorError);
        CheckKind(spec, Err);
        return errors;
    }

    public const int MinQuality = 1, MaxQuality = 100, MaxFolderLength = 1024;

    /// <summary>The kind, and the settings that belong to one kind only (a restore setting on an archive job is a mistake, not a no-op).</summary>
    private static void CheckKind(JobSpec spec, Action<string, string> err)
    {
        if (spec.Kind is { } kind && !JobKind.Names.Contains(kind)) { err("kind", $"must be one of {string.Join(", ", JobKind.Names)} (got '{kind}')"); return; }
        if (!spec.IsRestore())
        {
            if (spec.Folder is not null) err("folder", "only restore jobs take a folder");
            if (spec.Format is not null) err("format", "only restore jobs take an output format");
            if (spec.Quality is not null) err("quality", "only restore jobs take an output quality");
            if (spec.Overwrite) err("overwrite", "only restore jobs overwrite (archive jobs replace entries by skip-existing rules)");
            return;
        }
        if (spec.Format is { } format && !JobKind.Formats.Contains(format.Trim().ToLowerInvariant()))
            err("format", $"must be png, jpeg or webp (got '{format}')");
        if (spec.Quality is { } q && (q < MinQuality || q > MaxQuality))
            err("quality", $"must be between {MinQuality} and {MaxQuality} (got {q})");
        if (spec.Folder is { } folder && FolderProblem(folder) is { } problem) err("folder", problem);
        // Encoding settings mean nothing to a restore: refused rather than silently ignored.
        if (spec.RefineSteps != 0 || spec.Effort is not null) err("effort", "restore jobs do not encode (no effort or refinement)");
        if (spec.MinMsSsim is not null || spec.MinPsnr is not null) err("minMsSsim", "restore jobs do not encode (no quality floor)");
        if (spec.TargetMsSsim is not null) err("targetMsSsim", "restore jobs do not encode (no quality target)");
    }

    /// <summary>
    /// A folder inside the archive: relative, '/'-separated, no empty, '.' or '..' segment, no
    /// backslash, colon or control character. The storage's own path guards check it again when it
    /// is listed; this keeps a bad one from starting a job at all.
    /// </summary>
    private static string? FolderProblem(string folder)
    {
        var f = folder.TrimEnd('/');
        if (f.Length == 0) return "must name a folder inside the archive (leave it out for the whole archive)";
        if (f.Length > MaxFolderLength) return $"is longer than {MaxFolderLength} characters";
        if (f.StartsWith('/')) return "must be a relative path inside the archive";
        if (f.Any(c => char.IsControl(c) || c is '\\' or ':' or '%')) return "must not contain control characters, '\\', ':' or '%'";
        if (f.Split('/').Any(s => s is "" or "." or ".." || s.StartsWith('.'))) return "must not contain empty, '.', '..' or hidden segments";
        return null;
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
