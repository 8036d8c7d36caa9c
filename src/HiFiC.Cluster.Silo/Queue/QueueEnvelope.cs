using System.Text;
using System.Text.Json;
using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// The body of a remote queue message. Uncounted records deliveries that were not attempts (the
/// job was paused): brokers only count up, so the attempt count is theirs minus this.
/// </summary>
public sealed record QueueEnvelope(WorkItem Item, int Uncounted = 0)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public BinaryData ToBinary() => BinaryData.FromObjectAsJson(this, Json);

    public static QueueEnvelope From(BinaryData body) =>
        TryFrom(body, out var envelope, out var error) ? envelope : throw new JsonException(error);

    /// <summary>
    /// Parses and checks a message body. A message that fails here can never be processed, so
    /// providers move it to their poison store instead of letting it come back every visibility
    /// timeout (and, in a batch receive, hide the good messages beside it).
    /// </summary>
    public static bool TryFrom(BinaryData body, out QueueEnvelope envelope, out string error)
    {
        envelope = null!;
        QueueEnvelope? parsed;
        try { parsed = body.ToObjectFromJson<QueueEnvelope>(Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or FormatException or DecoderFallbackException)
        {
            error = $"not a work item message: {e.Message}";
            return false;
        }
        if (parsed is null) { error = "empty queue message"; return false; }
        if (parsed.Item is null) { error = "the message has no item"; return false; }
        if (Problem(parsed.Item) is { } problem) { error = problem; return false; }
        if (parsed.Uncounted < 0) { error = $"uncounted deliveries {parsed.Uncounted} is negative"; return false; }
        envelope = parsed;
        error = "";
        return true;
    }

    /// <summary>Why an item cannot be worked on, or null when it can (the fields every worker relies on).</summary>
    public static string? Problem(WorkItem item)
    {
        if (string.IsNullOrWhiteSpace(item.JobId)) return "the item has no job id";
        if (string.IsNullOrWhiteSpace(item.SourcePath)) return "the item has no source path";
        if (string.IsNullOrWhiteSpace(item.Source) || string.IsNullOrWhiteSpace(item.Destination)) return "the item has no source or destination";
        // A restore item's entry names its model; every other item pins one.
        if (item.Restore is null && string.IsNullOrWhiteSpace(item.ModelDigest)) return "the item has no model digest";
        if (item.MaxAttempts < 1) return $"the item's MaxAttempts {item.MaxAttempts} is below 1";
        if (!Enum.IsDefined(item.Part)) return $"unknown item part {(int)item.Part}";
        if (item.Part != WorkPart.Whole && (item.TileCount < 1 || item.Tile < 0 || item.Tile >= item.TileCount))
            return $"tile {item.Tile} of {item.TileCount} is out of range";
        return null;
    }
}
