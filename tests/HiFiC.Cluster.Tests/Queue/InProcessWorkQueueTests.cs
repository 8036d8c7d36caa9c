using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Queue;

namespace HiFiC.Cluster.Tests.Queue;

public sealed class InProcessWorkQueueTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static WorkItem Item(string path) => new("job", "src", "dst", path, 1, "digest", 1, 64, false, 3);
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_received_item_is_hidden_until_its_visibility_timeout_then_redelivered_with_a_higher_count()
    {
        var time = new ManualTime();
        var q = new InProcessWorkQueue(time);
        await q.EnqueueAsync([Item("a")], default);

        var first = Assert.Single(await q.ReceiveAsync(10, Visibility, default));
        Assert.Equal(1, first.DeliveryCount);
        Assert.Empty(await q.ReceiveAsync(10, Visibility, default));

        time.Now += Visibility + TimeSpan.FromSeconds(1);
        var second = Assert.Single(await q.ReceiveAsync(10, Visibility, default));
        Assert.Equal((first.Item, 2), (second.Item, second.DeliveryCount));

        // The first holder lost the item: it can no longer complete it; the second can.
        Assert.False(await q.CompleteAsync(first, default));
        Assert.True(await q.CompleteAsync(second, default));
        Assert.Equal(0, await q.CountAsync(default));
    }

    [Fact]
    public async Task Competing_consumers_each_get_different_items()
    {
        var q = new InProcessWorkQueue();
        await q.EnqueueAsync(Enumerable.Range(0, 100).Select(i => Item($"p{i}")).ToList(), default);
        var received = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            while ((await q.ReceiveAsync(3, Visibility, default)) is { Count: > 0 } leases)
                foreach (var l in leases) { mine.Add(l.Item.SourcePath); await q.CompleteAsync(l, default); }
            return mine;
        })));
        var all = received.SelectMany(r => r).ToList();
        Assert.Equal(100, all.Count);
        Assert.Equal(100, all.Distinct().Count());
    }

    [Fact]
    public async Task Renewal_keeps_an_item_hidden_and_a_pause_release_does_not_count_as_an_attempt()
    {
        var time = new ManualTime();
        var q = new InProcessWorkQueue(time);
        await q.EnqueueAsync([Item("a")], default);
        var lease = Assert.Single(await q.ReceiveAsync(1, Visibility, default));

        time.Now += Visibility / 2;
        Assert.NotNull(await q.RenewAsync(lease, Visibility, default));
        time.Now += Visibility * 0.9;
        Assert.Empty(await q.ReceiveAsync(1, Visibility, default));

        await q.ReleaseAsync(lease, TimeSpan.Zero, countsAsAttempt: false, default);
        var again = Assert.Single(await q.ReceiveAsync(1, Visibility, default));
        Assert.Equal(1, again.DeliveryCount);
        Assert.False(await q.CompleteAsync(lease, default));

        await q.ReleaseAsync(again, TimeSpan.FromSeconds(5), countsAsAttempt: true, default);
        Assert.Empty(await q.ReceiveAsync(1, Visibility, default));
        time.Now += TimeSpan.FromSeconds(5);
        Assert.Equal(2, Assert.Single(await q.ReceiveAsync(1, Visibility, default)).DeliveryCount);
    }

    [Fact]
    public async Task An_unworkable_item_goes_to_the_dead_letter_list_instead_of_coming_back()
    {
        var q = new InProcessWorkQueue();
        await q.EnqueueAsync([Item("good.png"), Item("") , Item("x.png") with { MaxAttempts = 0 }], default);
        var lease = Assert.Single(await q.ReceiveAsync(10, Visibility, default));
        Assert.Equal("good.png", lease.Item.SourcePath);
        Assert.Equal(["the item has no source path", "the item's MaxAttempts 0 is below 1"], q.DeadLetters.Select(d => d.Reason));
        Assert.Equal(1, await q.CountAsync(default));
    }

    [Fact]
    public async Task Per_job_counts_see_only_that_jobs_messages_visible_or_not()
    {
        var q = new InProcessWorkQueue();
        await q.EnqueueAsync([Item("a"), Item("b"), Item("c") with { JobId = "other" }], default);
        _ = await q.ReceiveAsync(1, Visibility, default);
        Assert.Equal((2L, 1L, 0L), (await q.CountAsync("job", default), await q.CountAsync("other", default), await q.CountAsync("none", default)));
    }
}
