using System.Text.Json;

namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>The content of a destination's lock blob: which job writes there, until when unless it renews.</summary>
public sealed record DestinationLockRecord(string JobId, DateTime ExpiresUtc)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The record, or null when the bytes are not one (a damaged lock counts as expired).</summary>
    public static DestinationLockRecord? TryParse(byte[] bytes)
    {
        try { return JsonSerializer.Deserialize<DestinationLockRecord>(bytes, Json) is { JobId.Length: > 0 } r ? r : null; }
        catch (JsonException) { return null; }
    }
}
