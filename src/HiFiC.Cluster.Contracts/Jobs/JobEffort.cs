namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// The effort levels of a job (<see cref="JobSpec.Effort"/>) and their refinement steps. The codec's
/// own table (HiFiC.Codec.Coding.RefineEfforts) is the source; the contracts do not reference the
/// codec, so it is repeated here and a test keeps the two in step.
/// </summary>
public static class JobEffort
{
    public const string Fast = "fast", Balanced = "balanced", Max = "max";
    public static IReadOnlyList<string> Names { get; } = [Fast, Balanced, Max];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name);

    public static int Steps(string name) => name switch
    {
        Fast => 0,
        Balanced => 40,
        Max => 60,
        _ => throw new ArgumentException($"effort must be one of {string.Join(", ", Names)} (got '{name}')"),
    };

    /// <summary>
    /// The effort an entry was written with, for comparing entries: a named level, or for explicit
    /// step counts "steps N" (manifests written before efforts existed have none: 0 steps is fast).
    /// </summary>
    public static string Label(string? effort, int refineSteps) => effort ?? (refineSteps == 0 ? Fast : $"steps {refineSteps}");
}
