namespace HiFiC.Cluster.Contracts.Archive;

/// <summary>
/// Output names are a pure function of the source path, so a redelivered item overwrites the
/// same two files and a restore finds them without an index. The original extension is kept in
/// the name (a.png.hific) so a.png and a.jpg never collide.
/// </summary>
public static class ArchiveNaming
{
    public const string BitstreamSuffix = ".hific";
    public const string ManifestSuffix = ".hific.json";

    public static string Bitstream(string sourcePath) => sourcePath + BitstreamSuffix;
    public static string Manifest(string sourcePath) => sourcePath + ManifestSuffix;

    /// <summary>Where an original kept as it was (manifest storedAs "original") lies: the name is not an image name, so listings skip it.</summary>
    public static string Original(string sourcePath) => sourcePath + OriginalSuffix;
    public const string OriginalSuffix = ".orig";

    /// <summary>
    /// Where a tile of a split image waits for assembly. Under a hidden folder (listings skip
    /// names starting with '.'), and deleted once the image is assembled.
    /// </summary>
    public static string TilePart(string sourcePath, int tile) => $".hific-parts/{sourcePath}.{tile}.part";

    public static bool IsManifest(string path) => path.EndsWith(ManifestSuffix, StringComparison.Ordinal);

    public static string SourceOfManifest(string manifestPath) =>
        IsManifest(manifestPath) ? manifestPath[..^ManifestSuffix.Length] : throw new ArgumentException($"not a manifest: {manifestPath}");

    /// <summary>Where a restore writes the original: a PNG of the same name (".png" appended unless it already is one).</summary>
    public static string RestoredName(string sourcePath) =>
        sourcePath.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? sourcePath : sourcePath + ".png";
}
