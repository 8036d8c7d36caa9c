namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// What a job does (<see cref="JobSpec.Kind"/>). One coordinator, queue and set of workers for both
/// kinds: an archive job compresses the originals under its source into its destination; a restore
/// job decodes the entries of the archive under its source (optionally one folder of it) into
/// images in its destination.
/// </summary>
public static class JobKind
{
    public const string Archive = "archive", Restore = "restore";
    public static IReadOnlyList<string> Names { get; } = [Archive, Restore];

    /// <summary>Output formats of a restore job: the codec's names (HiFiC.Codec OutputFormats), repeated because the contracts do not reference the codec.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["png", "jpeg", "jpg", "webp"];

    public static bool IsRestore(this JobSpec spec) => spec.Kind == Restore;
}
