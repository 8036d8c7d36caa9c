using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HiFiC.Cluster.Silo.Queue.AzureStorage;

/// <summary>
/// IWorkQueue over an Azure Storage queue: visibility timeouts, dequeue counts and pop receipts
/// map one to one. Every update issues a new pop receipt, hence renewals return a new lease.
/// Messages are sent with an infinite time-to-live unless told otherwise (the service's default
/// of 7 days would drop a long-paused job's items). A message that is not a valid work item is
/// moved to the "&lt;name&gt;-poison" queue with its reason, as the Azure Functions queue trigger does.
/// </summary>
public sealed class AzureStorageWorkQueue : IWorkQueue
{
    /// <summary>The service's limit per receive call.</summary>
    public const int MaxReceive = 32;
    /// <summary>Appended to the queue's name for its poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    private readonly QueueClient client;
    private readonly QueueClient poison;
    private readonly TimeSpan timeToLive;
    private readonly ILogger logger;
    private int created, poisonCreated;

    /// <param name="client">The work queue.</param>
    /// <param name="poison">Where messages that are not work items go (by convention the queue's name + <see cref="PoisonSuffix"/>: see <see cref="Create"/>).</param>
    public AzureStorageWorkQueue(QueueClient client, QueueClient poison, TimeSpan? messageTimeToLive = null, ILogger? logger = null)
    {
        this.client = client;
        this.poison = poison;
        // -1 s is the service's "never expires".
        timeToLive = messageTimeToLive ?? TimeSpan.FromSeconds(-1);
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The queue <paramref name="name"/> of the account, with its poison queue beside it (name + "-poison").</summary>
    public static AzureStorageWorkQueue Create(string connectionString, string name, TimeSpan? messageTimeToLive = null, ILogger? logger = null) =>
        new(new QueueClient(connectionString, name, AzureServiceVersions.Queue()),
            new QueueClient(connectionString, name + PoisonSuffix, AzureServiceVersions.Queue()), messageTimeToLive, logger);

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
            async (item, token) => await client.SendMessageAsync(new QueueEnvelope(item).ToBinary(), visibilityTimeout: null, timeToLive: timeToLive, cancellationToken: token));
    }

    public async Task<IReadOnlyList<WorkLease>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var messages = await client.ReceiveMessagesAsync(Math.Clamp(max, 1, MaxReceive), visibility, ct);
        var leases = new List<WorkLease>(messages.Value.Length);
        foreach (var m in messages.Value)
        {
            if (!QueueEnvelope.TryFrom(m.Body, out var envelope, out var error))
            {
                await MoveToPoisonAsync(m, error, ct);
                continue;
            }
            leases.Add(new WorkLease(envelope.Item, (int)m.DequeueCount - envelope.Uncounted, m.MessageId, m.PopReceipt) { Uncounted = envelope.Uncounted });
        }
        return leases;
    }

    /// <summary>Copies the message (body as received, plus why) to the poison queue, then deletes it: a crash in between leaves a copy in both, never in neither.</summary>
    private async Task MoveToPoisonAsync(QueueMessage m, string error, CancellationToken ct)
    {
        logger.LogWarning("Queue {Queue}: message {Id} is not a work item ({Error}); moved to {Poison}", client.Name, m.MessageId, error, poison.Name);
        if (Volatile.Read(ref poisonCreated) == 0)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: ct);
            Volatile.Write(ref poisonCreated, 1);
        }
        var record = BinaryData.FromObjectAsJson(new PoisonMessage(client.Name, m.MessageId, m.DequeueCount, m.InsertedOn, error, m.Body.ToString()),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        await poison.SendMessageAsync(record, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
        try { await client.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct); }
        catch (RequestFailedException e) when (e.Status is 404 or 400) { /* someone else moved it too */ }
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
