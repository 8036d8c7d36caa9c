using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Entries;

/// <summary>
/// The settings an archived entry must have been written with for a job to count it as current.
/// Anything that changes the bitstream belongs here; a setting added to jobs that changes what is
/// stored must be added here too, or a re-run would keep entries written without it.
/// </summary>
/// With a quality target the rate is the image's own choice: the target is compared instead.
public sealed record EntrySettings(string ModelDigest, double Rate, int TileSize, int RefineSteps, string? Effort = null, double? TargetMsSsim = null)
{
    public static EntrySettings Of(WorkItem item) => new(item.ModelDigest, item.Rate, item.TileSize, item.RefineSteps, item.Effort, item.TargetMsSsim);

    /// <summary>Why <paramref name="m"/> was written with other settings, or null when it was written with these.</summary>
    public string? Mismatch(ArchiveManifest m)
    {
        if (!string.Equals(m.ModelDigest, ModelDigest, StringComparison.OrdinalIgnoreCase)) return $"model {m.ModelDigest[..Math.Min(12, m.ModelDigest.Length)]}… differs";
        if (m.TargetMsSsim != TargetMsSsim) return $"target MS-SSIM {m.TargetMsSsim?.ToString() ?? "none"} differs from {TargetMsSsim?.ToString() ?? "none"}";
        if (TargetMsSsim is null && m.Rate != Rate) return $"rate {m.Rate} differs from {Rate}";
        if (m.TileSize != TileSize) return $"tile size {m.TileSize} differs from {TileSize}";
        if (m.RefineSteps != RefineSteps) return $"refinement steps {m.RefineSteps} differ from {RefineSteps}";
        string mine = JobEffort.Label(Effort, RefineSteps), theirs = JobEffort.Label(m.Effort, m.RefineSteps);
        if (mine != theirs) return $"effort {theirs} differs from {mine}";
        return null;
    }
}
