using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue.ServiceBus;

/// <summary>
/// IWorkQueue over an Azure Service Bus queue in peek-lock mode. Differences from a storage
/// queue, and how they are bridged:
/// <list type="bullet">
/// <item>The lock duration is the entity's (LockDuration), not per receive: the visibility argument is ignored; renewals keep long items locked.</item>
/// <item>Settlement needs the received message, not a token: received messages are kept by lock token until settled.</item>
/// <item>An abandoned message comes back at once; a delayed retry is a scheduled copy plus completion of the original. The copy carries the attempts so far in an application property, since its own DeliveryCount restarts.</item>
/// <item>The entity's MaxDeliveryCount must exceed the jobs' MaxAttempts, or the broker dead-letters items before the job can report them.</item>
/// </list>
/// No Service Bus emulator runs here: this is unit-tested against ServiceBusModelFactory
/// messages and fake senders/receivers, not against a live namespace.
/// </summary>
public sealed class ServiceBusWorkQueue(ServiceBusSender sender, ServiceBusReceiver receiver, TimeProvider time) : IWorkQueue
{
    /// <summary>Attempts made before this copy of the message was sent.</summary>
    public const string AttemptsBeforeProperty = "hific-attempts-before";
    /// <summary>How long one receive call waits for messages (the broker long-polls).</summary>
    public TimeSpan ReceiveWait { get; init; } = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ServiceBusReceivedMessage> held = new();

    public async Task EnqueueAsync(IReadOnlyList<WorkItem> items, CancellationToken ct)
    {
        foreach (var chunk in items.Chunk(100))
            await sender.SendMessagesAsync(chunk.Select(ToMessage), ct);
    }

    /// <summary>
    /// The broker message for an item. MessageId is derived from the job, the item's key (path,
    /// tile or assembly step) and the attempts made before this copy: the entity's duplicate
    /// detection, if enabled, drops a re-enqueued page, but never one tile for another of the same
    /// image, nor a delayed retry for the delivery it replaces.
    /// </summary>
    public static ServiceBusMessage ToMessage(WorkItem item) => new(new QueueEnvelope(item).ToBinary())
    {
        ContentType = "application/json",
        Subject = item.JobId,
        MessageId = MessageIdOf(item, attemptsBefore: 0),
    };

    /// <summary>Unique per job, item key (path + part + tile) and attempt.</summary>
    public static string MessageIdOf(WorkItem item, int attemptsBefore) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{item.JobId}\n{item.Key}\n{attemptsBefore}")))[..32];

    public async Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct)
    {
        var messages = await receiver.ReceiveMessagesAsync(Math.Max(1, max), ReceiveWait, ct);
        var leases = new List<WorkLease>(messages.Count);
        foreach (var m in messages)
        {
            if (!QueueEnvelope.TryFrom(m.Body, out var envelope, out var error))
            {
                // Never workable: to the dead-letter sub-queue with the reason, not back every lock duration.
                try { await receiver.DeadLetterMessageAsync(m, "MalformedMessage", error, ct); }
                catch (ServiceBusException e) when (e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound) { }
                continue;
            }
            int before = m.ApplicationProperties.TryGetValue(AttemptsBeforeProperty, out var v) ? Convert.ToInt32(v) : 0;
            held[m.LockToken] = m;
            leases.Add(new WorkLease(envelope.Item, before + m.DeliveryCount, m.MessageId, m.LockToken));
        }
        return leases;
    }

    public async Task<bool> CompleteAsync(WorkLease lease, CancellationToken ct)
    {
        if (!held.TryRemove(lease.Receipt, out var m)) return false;
        try
        {
            await receiver.CompleteMessageAsync(m, ct);
            return true;
        }
        catch (ServiceBusException e) when (e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound)
        {
            return false;
        }
    }

    public async Task ReleaseAsync(WorkLease lease, TimeSpan delay, bool countsAsAttempt, CancellationToken ct)
    {
        if (!held.TryRemove(lease.Receipt, out var m)) return;
        try
        {
            if (countsAsAttempt && delay <= TimeSpan.Zero)
            {
                await receiver.AbandonMessageAsync(m, cancellationToken: ct);
                return;
            }
            // The copy's own DeliveryCount starts again at 1: carry the attempts made so far.
            var copy = new ServiceBusMessage(m);
            int before = countsAsAttempt ? lease.DeliveryCount : lease.DeliveryCount - 1;
            copy.ApplicationProperties[AttemptsBeforeProperty] = before;
            // A new id: duplicate detection would otherwise drop the copy as the original's twin.
            // A pause's copy has the attempt count of the delivery before it: it gets a random suffix.
            copy.MessageId = MessageIdOf(lease.Item, before) + (countsAsAttempt ? "" : "-p" + Guid.NewGuid().ToString("N")[..8]);
            await sender.ScheduleMessageAsync(copy, time.GetUtcNow() + delay, ct);
            // Scheduled first, completed second: a crash in between duplicates the item, never loses it.
            await receiver.CompleteMessageAsync(m, ct);
        }
        catch (ServiceBusException e) when (e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound)
        {
            // Lost the lock: the broker redelivers the original anyway.
        }
    }

    public async Task<WorkLease?> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken ct)
    {
        if (!held.TryGetValue(lease.Receipt, out var m)) return null;
        try
        {
            await receiver.RenewMessageLockAsync(m, ct);
            return lease;
        }
        catch (ServiceBusException e) when (e.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.MessageNotFound)
        {
            held.TryRemove(lease.Receipt, out _);
            return null;
        }
    }

    /// <summary>Receiving already waits up to <see cref="ReceiveWait"/> for messages: nothing more to wait for.</summary>
    public Task WaitForItemsAsync(TimeSpan maxWait, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Unknown (-1): counting needs the administration client and Manage rights, which workers should not hold.</summary>
    public Task<long> CountAsync(CancellationToken ct) => Task.FromResult(-1L);
}
