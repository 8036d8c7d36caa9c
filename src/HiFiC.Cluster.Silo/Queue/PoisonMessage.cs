namespace HiFiC.Cluster.Silo.Queue;

/// <summary>
/// What a poison queue holds for a message that could not be a work item: where it came from,
/// why it was refused, and its body as received (so an operator can fix and resend it).
/// </summary>
public sealed record PoisonMessage(string Queue, string MessageId, long DequeueCount, DateTimeOffset? InsertedOn, string Reason, string Body);
