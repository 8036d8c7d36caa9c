namespace HiFiC.Cluster.Contracts.Archive;

/// <summary>
/// The manifest's name is a pure function of the source path, so a restore finds it without an
/// index; the manifest names its bitstream. That is a.png.hific (the original extension is kept,
/// so a.png and a.jpg never collide), or, while an entry is replaced by one with other bytes,
/// a content-addressed a.png.&lt;hash&gt;.hific (see the silo's ArchiveEntries): readers go through the manifest.
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
    /// <paramref name="output"/> with the first 16 hex digits of its content's SHA-256 before the
    /// extension (a.png.hific → a.png.0123456789abcdef.hific): the name a replacement bitstream is
    /// written under while the plain name still holds the bytes the committed manifest describes.
    /// </summary>
    public static string ContentAddressed(string output, string sha256Hex)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        if (sha256Hex.Length < 16) throw new ArgumentException("a SHA-256 in hex is expected", nameof(sha256Hex));
        var tag = sha256Hex[..16].ToLowerInvariant();
        int slash = output.LastIndexOf('/'), dot = output.LastIndexOf('.');
        return dot > slash + 1 ? $"{output[..dot]}.{tag}{output[dot..]}" : $"{output}.{tag}";
    }

    /// <summary>The destination's lock: which job writes there (hidden: listings skip names starting with '.').</summary>
    public const string LockFile = ".hific-lock";

    /// <summary>
    /// The source path a bitstream name belongs to: "a.png.hific" and its content-addressed
    /// "a.png.0123456789abcdef.hific" both give "a.png"; null when the name is not a bitstream's.
    /// </summary>
    public static string? SourceOfBitstream(string bitstreamPath)
    {
        if (!bitstreamPath.EndsWith(BitstreamSuffix, StringComparison.Ordinal) || bitstreamPath.Length == BitstreamSuffix.Length) return null;
        var stem = bitstreamPath[..^BitstreamSuffix.Length];
        int dot = stem.LastIndexOf('.');
        bool tagged = dot > 0 && stem.Length - dot - 1 == 16 && stem[(dot + 1)..].All(char.IsAsciiHexDigitLower);
        return tagged ? stem[..dot] : stem;
    }

    /// <summary>Scratch folder of one job's tile parts (under a hidden folder: listings skip names starting with '.').</summary>
    public static string TilePartFolder(string jobId) => $".hific-parts/{SafeSegment(jobId)}/";

    /// <summary>
    /// Page <paramref name="page"/> of a job's failures beyond what its coordinator keeps in state
    /// (issue 22: the state stays bounded whatever the number of failures). Hidden, like tool state.
    /// </summary>
    public static string FailurePage(string jobId, long page) => $".hific-failures/{SafeSegment(jobId)}/{page:D8}.json";

    /// <summary>A job id as one path segment: ids are free text in some front ends, so anything but A-Z a-z 0-9 - _ becomes '_' (and a hash keeps such ids apart).</summary>
    private static string SafeSegment(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        bool plain = id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        if (plain) return id;
        var cleaned = new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..8];
        return $"{cleaned}_{hash}";
    }

    /// <summary>
    /// Where a tile of a split image waits for assembly: scoped to the job, and named by the part's
    /// SHA-256 so every attempt that produced other bytes has its own name and the assembler reads
    /// exactly the part the coordinator counted. Deleted once the image is assembled.
    /// </summary>
    public static string TilePart(string jobId, string sourcePath, int tile, string partSha256) =>
        $"{TilePartFolder(jobId)}{sourcePath}.{tile}.{partSha256[..Math.Min(16, partSha256.Length)]}.part";

    /// <summary>
    /// What a restore job wrote under <paramref name="outputName"/> in its destination: which archive
    /// entry, in which format, with which bytes (hidden, like tool state). It lets a later restore job
    /// tell its own current output (skipped) from its own stale one (rewritten) and from anyone else's file (left alone).
    /// </summary>
    public static string RestoreRecord(string outputName) => $".hific-restored/{outputName}.json";

    public static bool IsManifest(string path) => path.EndsWith(ManifestSuffix, StringComparison.Ordinal);

    public static string SourceOfManifest(string manifestPath) =>
        IsManifest(manifestPath) ? manifestPath[..^ManifestSuffix.Length] : throw new ArgumentException($"not a manifest: {manifestPath}");

    /// <summary>Where a restore writes the original: a PNG of the same name (".png" appended unless it already is one).</summary>
    public static string RestoredName(string sourcePath) =>
        sourcePath.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? sourcePath : sourcePath + ".png";
}
