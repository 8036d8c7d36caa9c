using Azure.Messaging.ServiceBus;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Queue.ServiceBus;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// The Service Bus adapter's mapping, settlement and retry logic, against messages made by the
/// SDK's ServiceBusModelFactory and a fake broker (no emulator exists here; untested against a
/// live namespace).
/// </summary>
public sealed class ServiceBusWorkQueueTests
{
    /// <summary>Just enough of a peek-lock queue: sends, schedules, receives with delivery counts, settles.</summary>
    private sealed class FakeBroker
    {
        public readonly List<(ServiceBusMessage Message, int Deliveries, DateTimeOffset VisibleAt)> Queue = [];
        public readonly Dictionary<string, ServiceBusMessage> Locked = new();
        public readonly List<string> Log = [];
        public readonly List<(ServiceBusMessage Message, string Reason, string Description)> DeadLetters = [];
        public DateTimeOffset Now = DateTimeOffset.UnixEpoch;
        public bool LoseLocks;

        public ServiceBusReceivedMessage Deliver(int index)
        {
            var (m, deliveries, _) = Queue[index];
            Queue.RemoveAt(index);
            var token = Guid.NewGuid();
            Locked[token.ToString()] = m;
            return ServiceBusModelFactory.ServiceBusReceivedMessage(
                body: m.Body, messageId: m.MessageId, subject: m.Subject, contentType: m.ContentType,
                properties: new Dictionary<string, object>(m.ApplicationProperties), lockTokenGuid: token, deliveryCount: deliveries + 1);
        }

        public void Settle(ServiceBusReceivedMessage m, bool requeue)
        {
            if (LoseLocks || !Locked.Remove(m.LockToken, out var original))
                throw new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
            Log.Add(requeue ? "abandon" : "complete");
            if (requeue) Queue.Insert(0, (original, m.DeliveryCount, Now));
        }
    }

    private sealed class FakeSender(FakeBroker broker) : ServiceBusSender
    {
        public override Task SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken ct = default)
        {
            foreach (var m in messages) broker.Queue.Add((m, 0, broker.Now));
            return Task.CompletedTask;
        }

        public override Task<long> ScheduleMessageAsync(ServiceBusMessage message, DateTimeOffset at, CancellationToken ct = default)
        {
            broker.Log.Add($"schedule +{(at - broker.Now).TotalSeconds}s");
            broker.Queue.Add((message, 0, at));
            return Task.FromResult(1L);
        }
    }

    private sealed class FakeReceiver(FakeBroker broker) : ServiceBusReceiver
    {
        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int max, TimeSpan? maxWait = null, CancellationToken ct = default)
        {
            var result = new List<ServiceBusReceivedMessage>();
            for (int i = 0; i < broker.Queue.Count && result.Count < max;)
                if (broker.Queue[i].VisibleAt <= broker.Now) result.Add(broker.Deliver(i)); else i++;
            return Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(result);
        }

        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken ct = default)
        {
            broker.Settle(message, requeue: false);
            return Task.CompletedTask;
        }

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null, CancellationToken ct = default)
        {
            broker.Settle(message, requeue: true);
            return Task.CompletedTask;
        }

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, string deadLetterReason, string? deadLetterErrorDescription = null, CancellationToken ct = default)
        {
            if (!broker.Locked.Remove(message.LockToken, out var original))
                throw new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
            broker.DeadLetters.Add((original, deadLetterReason, deadLetterErrorDescription ?? ""));
            return Task.CompletedTask;
        }

        public override Task RenewMessageLockAsync(ServiceBusReceivedMessage message, CancellationToken ct = default)
        {
            if (broker.LoseLocks || !broker.Locked.ContainsKey(message.LockToken))
                throw new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost);
            broker.Log.Add("renew");
            return Task.CompletedTask;
        }
    }

    private sealed class FixedTime(FakeBroker broker) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => broker.Now;
    }

    private static WorkItem Item(string path) => new("job-1", "src", "dst", path, 10, "digest", 1, 64, true, 3);

    private static (ServiceBusWorkQueue Queue, FakeBroker Broker) Make()
    {
        var broker = new FakeBroker();
        return (new ServiceBusWorkQueue(new FakeSender(broker), new FakeReceiver(broker), new FixedTime(broker)), broker);
    }

    [Fact]
    public async Task Items_round_trip_through_message_bodies_with_stable_ids_and_complete_once()
    {
        var (q, broker) = Make();
        await q.EnqueueAsync([Item("a/b.png"), Item("c.png")], default);
        Assert.Equal("job-1", broker.Queue[0].Message.Subject);
        Assert.Equal(ServiceBusWorkQueue.ToMessage(Item("a/b.png")).MessageId, broker.Queue[0].Message.MessageId); // duplicate detection sees re-enqueues

        var leases = await q.ReceiveAsync(10, TimeSpan.FromMinutes(1), default);
        Assert.Equal([Item("a/b.png"), Item("c.png")], leases.Select(l => l.Item));
        Assert.All(leases, l => Assert.Equal(1, l.DeliveryCount));
        Assert.True(await q.CompleteAsync(leases[0], default));
        Assert.False(await q.CompleteAsync(leases[0], default)); // settled already
        Assert.Equal(leases[1], await q.RenewAsync(leases[1], TimeSpan.FromMinutes(1), default));
        broker.LoseLocks = true;
        Assert.Null(await q.RenewAsync(leases[1], TimeSpan.FromMinutes(1), default));
        Assert.False(await q.CompleteAsync(leases[1], default));
    }

    [Fact]
    public async Task Immediate_retries_abandon_and_delayed_retries_schedule_a_copy_that_carries_the_attempt_count()
    {
        var (q, broker) = Make();
        await q.EnqueueAsync([Item("x.png")], default);

        var first = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero, default));
        await q.ReleaseAsync(first, TimeSpan.Zero, countsAsAttempt: true, default);
        var second = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero, default));
        Assert.Equal(2, second.DeliveryCount);

        await q.ReleaseAsync(second, TimeSpan.FromSeconds(4), countsAsAttempt: true, default);
        Assert.Equal(["abandon", "schedule +4s", "complete"], broker.Log);
        Assert.Empty(await q.ReceiveAsync(1, TimeSpan.Zero, default)); // not before its time
        broker.Now += TimeSpan.FromSeconds(4);
        var third = Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero, default));
        Assert.Equal((Item("x.png"), 3), (third.Item, third.DeliveryCount));

        // A pause puts the item back without spending an attempt.
        await q.ReleaseAsync(third, TimeSpan.FromSeconds(1), countsAsAttempt: false, default);
        broker.Now += TimeSpan.FromSeconds(1);
        Assert.Equal(3, Assert.Single(await q.ReceiveAsync(1, TimeSpan.Zero, default)).DeliveryCount);
    }

    [Fact]
    public async Task Message_ids_differ_per_tile_assembly_step_and_retry_copy_so_duplicate_detection_drops_none_of_them()
    {
        var (q, broker) = Make();
        var whole = Item("big.png");
        var tiles = Enumerable.Range(0, 3).Select(t => whole with { Part = WorkPart.Tile, Tile = t, TileCount = 3 }).ToList();
        var assemble = whole with { Part = WorkPart.Assemble, TileCount = 3 };
        await q.EnqueueAsync([whole, .. tiles, assemble], default);
        var ids = broker.Queue.Select(e => e.Message.MessageId).ToList();
        Assert.Equal(5, ids.Distinct().Count());

        // A re-enqueued page keeps its ids (the broker may drop it); a delayed retry's copy gets a new one.
        Assert.Equal(ids[1], ServiceBusWorkQueue.ToMessage(tiles[0]).MessageId);
        var lease = (await q.ReceiveAsync(10, TimeSpan.Zero, default)).Single(l => l.Item == tiles[0]);
        await q.ReleaseAsync(lease, TimeSpan.FromSeconds(2), countsAsAttempt: true, default);
        var copy = broker.Queue.Single(e => e.VisibleAt > broker.Now).Message;
        Assert.DoesNotContain(copy.MessageId, ids);
        Assert.Equal(ServiceBusWorkQueue.MessageIdOf(tiles[0], 1), copy.MessageId);
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_with_its_reason_and_the_good_one_beside_it_is_delivered()
    {
        var (q, broker) = Make();
        await new FakeSender(broker).SendMessagesAsync([new ServiceBusMessage(BinaryData.FromString("not json")) { MessageId = "bad" }]);
        await q.EnqueueAsync([Item("good.png")], default);
        var lease = Assert.Single(await q.ReceiveAsync(10, TimeSpan.Zero, default));
        Assert.Equal("good.png", lease.Item.SourcePath);
        var dead = Assert.Single(broker.DeadLetters);
        Assert.Equal(("bad", "MalformedMessage"), (dead.Message.MessageId, dead.Reason));
        Assert.StartsWith("not a work item message", dead.Description);
    }
}
