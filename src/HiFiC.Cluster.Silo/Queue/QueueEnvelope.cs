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
        body.ToObjectFromJson<QueueEnvelope>(Json) ?? throw new JsonException("empty queue message");
}
