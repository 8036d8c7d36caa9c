using Azure;
using Azure.Storage.Queues;
using HiFiC.Cluster.Contracts.Work;

namespace HiFiC.Cluster.Silo.Queue.AzureStorage;

/// <summary>
/// IWorkQueue over an Azure Storage queue: visibility timeouts, dequeue counts and pop receipts
/// map one to one. Every update issues a new pop receipt, hence renewals return a new lease.
/// </summary>
public sealed class AzureStorageWorkQueue(QueueClient client) : IWorkQueue
{
    /// <summary>The service's limit per receive call.</summary>
    public const int MaxReceive = 32;
    private int created;

    private async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref created) == 1) return;
        await client.CreateIfNotExistsAsync(cancellationToken: ct);
        Volatile.Write(ref created, 1);
    }

    public async Task EnqueueAsync(IReadOnlyList<WorkItem> items, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        // One request per message (the service has no batch send); a few in parallel.
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (item, token) => await client.SendMessageAsync(new QueueEnvelope(item).ToBinary(), cancellationToken: token));
    }

    public async Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var messages = await client.ReceiveMessagesAsync(Math.Clamp(max, 1, MaxReceive), visibility, ct);
        return messages.Value.Select(m =>
        {
            var envelope = QueueEnvelope.From(m.Body);
            return new WorkLease(envelope.Item, (int)m.DequeueCount - envelope.Uncounted, m.MessageId, m.PopReceipt) { Uncounted = envelope.Uncounted };
        }).ToList();
    }

    public async Task<bool> CompleteAsync(WorkLease lease, CancellationToken ct)
    {
        try
        {
            await client.DeleteMessageAsync(lease.MessageId, lease.Receipt, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            return false; // received again by someone else since (new pop receipt), or gone
        }
    }

    public async Task ReleaseAsync(WorkLease lease, TimeSpan delay, bool countsAsAttempt, CancellationToken ct)
    {
        try
        {
            if (countsAsAttempt)
                await client.UpdateMessageAsync(lease.MessageId, lease.Receipt, visibilityTimeout: delay, cancellationToken: ct);
            else
                await client.UpdateMessageAsync(lease.MessageId, lease.Receipt, new QueueEnvelope(lease.Item, lease.Uncounted + 1).ToBinary(), delay, ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400) { /* lost the lease: the item comes back anyway */ }
    }

    public async Task<WorkLease?> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken ct)
    {
        try
        {
            var receipt = await client.UpdateMessageAsync(lease.MessageId, lease.Receipt, visibilityTimeout: visibility, cancellationToken: ct);
            return lease with { Receipt = receipt.Value.PopReceipt };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            return null;
        }
    }

    public Task WaitForItemsAsync(TimeSpan maxWait, CancellationToken ct) =>
        // No long polling in this service: a consumer simply polls again after the wait.
        Task.Delay(maxWait, ct);

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        return (await client.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
    }
}
