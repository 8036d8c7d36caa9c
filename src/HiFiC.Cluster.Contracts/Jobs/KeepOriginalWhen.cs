namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// When an archive stores an original's bytes as they are instead of its .hific. Files the codec
/// cannot represent whole (animations, multi-page TIFF, CMYK) are always stored as they are.
/// </summary>
[Flags, GenerateSerializer, Alias("hific.KeepOriginalWhen")]
public enum KeepOriginalWhen
{
    /// <summary>Always the .hific (an image below the quality floor then fails instead).</summary>
    Never = 0,
    /// <summary>When the .hific would be no smaller than the original file.</summary>
    Larger = 1,
    /// <summary>When the decoded .hific is below the job's quality floor (whole image or worst tile).</summary>
    BelowFloor = 2,
}
