using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiFiC.Cluster.Contracts.Archive;

/// <summary>
/// The JSON written next to each .hific. It holds no timestamps or host names, so a redelivered
/// item (of the same job) rewrites it byte for byte.
/// </summary>
public sealed record ArchiveManifest
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    /// <summary>The original's path relative to the job's source.</summary>
    public required string SourcePath { get; init; }
    public required long SourceSize { get; init; }
    /// <summary>SHA-256 of the original's bytes, lowercase hex.</summary>
    public required string SourceSha256 { get; init; }
    /// <summary>The bitstream's path relative to the destination.</summary>
    public required string Output { get; init; }
    public required long OutputSize { get; init; }
    public required string OutputSha256 { get; init; }
    public required string ModelId { get; init; }
    public required string ModelDigest { get; init; }
    public required double Rate { get; init; }
    public required int TileSize { get; init; }
    /// <summary>Encoder-side latent refinement steps the file was written with (0 = none).</summary>
    public int RefineSteps { get; init; }
    /// <summary>The effort level the file was written at (fast, balanced, max); null for an explicit step count or an older manifest.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Effort { get; init; }
    /// <summary>Constant quality: the MS-SSIM the job asked for (<see cref="Rate"/> is the rate chosen for this image); null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TargetMsSsim { get; init; }
    /// <summary>Constant quality: false when the image could not reach the target below the knee and was coded at the knee rate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? TargetReached { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Tiles { get; init; }
    public required double Bpp { get; init; }
    /// <summary>SHA-256 over the coded symbols; a decoder that reproduces it decoded bit-exactly.</summary>
    public required string LatentHash { get; init; }
    /// <summary>True when the written file was decoded and its latent hash matched.</summary>
    public bool Verified { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Psnr { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? MsSsim { get; init; }
    /// <summary>Worst PSNR / MS-SSIM over the tiles (verified files only): a local artefact shows here, not in the mean.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? WorstTilePsnr { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? WorstTileMsSsim { get; init; }
    /// <summary>"original" when <see cref="Output"/> holds the original's bytes as they were (see <see cref="KeptReason"/>); null for a .hific.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StoredAs { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? KeptReason { get; init; }
    /// <summary>
    /// The job that wrote the entry (null in older manifests). A delivery that finds the entry current
    /// and written by its own job finds what an earlier delivery of the same item wrote before its
    /// outcome was lost: the image is done by this job, not skipped, however the queue counted deliveries.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? JobId { get; init; }

    public const string StoredAsOriginal = "original";

    [JsonIgnore] public bool IsOriginal => StoredAs == StoredAsOriginal;

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static ArchiveManifest FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<ArchiveManifest>(json, JsonOptions) ?? throw new JsonException("empty manifest");
}
