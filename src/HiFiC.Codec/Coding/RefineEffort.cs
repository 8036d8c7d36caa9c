namespace HiFiC.Codec.Coding;

/// <summary>
/// How much encode time to spend on refinement, in words users understand. The step counts were
/// chosen from measured gain per second (docs/results/refine/): with the no-worse guard, on 12 crops
/// 40 steps gave −16.2% MS-SSIM BD-rate for ≈170 CPU-s/MP where 20 gave −7.7% for ≈88 (a quarter of the
/// tiles found no acceptable iterate in 20); on crops of all 30 eval photos 40 steps give −14.9%.
/// <c>max</c> (60) gave −18.3% on the same 12 crops, a little more at 1.5 times the time.
/// </summary>
public enum RefineEffort
{
    /// <summary>No refinement: the analysis transform's latents, as fast as encoding gets.</summary>
    Fast,
    Balanced,
    Max,
}

public static class RefineEfforts
{
    public const int BalancedSteps = 40, MaxSteps = 60;

    public static IReadOnlyList<string> Names { get; } = ["fast", "balanced", "max"];

    public static int Steps(RefineEffort effort) => effort switch
    {
        RefineEffort.Fast => 0,
        RefineEffort.Balanced => BalancedSteps,
        RefineEffort.Max => MaxSteps,
        _ => throw new ArgumentOutOfRangeException(nameof(effort), effort, null),
    };

    public static string Name(RefineEffort effort) => Names[(int)effort];

    public static bool TryParse(string? text, out RefineEffort effort)
    {
        int i = text is null ? -1 : Names.ToList().FindIndex(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        effort = i < 0 ? RefineEffort.Fast : (RefineEffort)i;
        return i >= 0;
    }

    public static RefineEffort Parse(string text) => TryParse(text, out var e) ? e
        : throw new ArgumentException($"Effort must be one of {string.Join(", ", Names)} (got '{text}').");

    /// <summary>The default where nobody chose: refinement is cheap on a GPU and slow on CPUs.</summary>
    public static RefineEffort DefaultFor(bool onGpu) => onGpu ? RefineEffort.Balanced : RefineEffort.Fast;
}
