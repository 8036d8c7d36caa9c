using System.Text.Json;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Silo.Storage;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// What a restore job wrote at one output name (<see cref="ArchiveNaming.RestoreRecord"/>): the archive
/// entry's bitstream (its SHA-256), the format and quality asked for, and the SHA-256 of the bytes
/// written. Written before the output, so an output whose write was interrupted is still known as
/// this system's: <see cref="PreviousOutputSha256"/> keeps what was there before.
/// </summary>
public sealed record RestoreRecord
{
    public required string EntrySha256 { get; init; }
    public string? Format { get; init; }
    public int? Quality { get; init; }
    public required string OutputSha256 { get; init; }
    public string? PreviousOutputSha256 { get; init; }

    /// <summary>The same entry restored with the same settings.</summary>
    public bool Matches(string entrySha256, string? format, int? quality) =>
        string.Equals(EntrySha256, entrySha256, StringComparison.OrdinalIgnoreCase) && Format == format && Quality == quality;

    /// <summary>Bytes this system wrote (or was writing) at the name.</summary>
    public bool Wrote(string sha256) =>
        string.Equals(OutputSha256, sha256, StringComparison.OrdinalIgnoreCase)
        || string.Equals(PreviousOutputSha256, sha256, StringComparison.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The record at <paramref name="outputName"/>; null when there is none or it does not parse (then the output counts as someone else's).</summary>
    public static async Task<RestoreRecord?> TryReadAsync(IBlobSource destination, string outputName, CancellationToken ct)
    {
        var bytes = await destination.TryReadAllAsync(ArchiveNaming.RestoreRecord(outputName), ct);
        if (bytes is null) return null;
        try
        {
            var r = JsonSerializer.Deserialize<RestoreRecord>(bytes, Json);
            return r is { EntrySha256.Length: > 0, OutputSha256.Length: > 0 } ? r : null;
        }
        catch (JsonException) { return null; }
    }

    public Task WriteAsync(IBlobStore destination, string outputName, CancellationToken ct) =>
        destination.WriteAsync(ArchiveNaming.RestoreRecord(outputName), JsonSerializer.SerializeToUtf8Bytes(this, Json), ct);
}
