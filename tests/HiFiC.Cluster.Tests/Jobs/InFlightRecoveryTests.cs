using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Queue;

namespace HiFiC.Cluster.Tests.Jobs;

public sealed class InFlightRecoveryTests
{
    private static WorkItem Item(string path, string job = "job") => new(job, "src", "dst", path, 1, "digest", 1, 64, false, 3);
    private static readonly JobOptions Options = new() { StuckAfter = TimeSpan.FromMinutes(10), LossCheckInterval = TimeSpan.FromMinutes(1) };
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("a/b.png", WorkPart.Whole, 0)]
    [InlineData("a/b.png", WorkPart.Tile, 7)]
    [InlineData("a/b.png", WorkPart.Assemble, 0)]
    public void Keys_parse_back_to_their_part_and_tile(string path, WorkPart part, int tile) =>
        Assert.Equal((path, part, tile), InFlightRecovery.Parse(WorkKeys.For(path, part, tile)));

    [Fact]
    public async Task Items_missing_from_the_queue_are_all_sent_again_and_items_present_are_left_alone()
    {
        var queue = new InProcessWorkQueue();
        var recovery = new InFlightRecovery();
        var items = new[] { Item("a"), Item("b") };
        await queue.EnqueueAsync(items, default);
        recovery.Sent(items, T0);
        // Another job's messages do not hide this job's loss.
        await queue.EnqueueAsync([Item("x", "other"), Item("y", "other")], default);
        var inFlight = new Dictionary<string, bool> { ["a"] = false, ["b"] = true };
        Task<WorkItem> Rebuild(string key) => Task.FromResult(Item(key));

        var (none, _) = await recovery.DueAsync("job", inFlight, queue, Options, T0, Rebuild, default);
        Assert.Empty(none);

        // "a" is lost (the queue forgot it); the next check sends both (which one is missing is unknowable).
        var lease = (await queue.ReceiveAsync(10, TimeSpan.FromMinutes(5), default)).Single(l => l.Item.SourcePath == "a");
        Assert.True(await queue.CompleteAsync(lease, default));
        var (early, _) = await recovery.DueAsync("job", inFlight, queue, Options, T0 + TimeSpan.FromSeconds(30), Rebuild, default);
        Assert.Empty(early); // not checked again before the interval
        recovery.CheckSoon();
        var (again, why) = await recovery.DueAsync("job", inFlight, queue, Options, T0 + TimeSpan.FromSeconds(31), Rebuild, default);
        Assert.Equal(["a", "b"], again.Select(i => i.SourcePath).Order());
        Assert.Equal("the queue holds 1 message(s) but 2 item(s) are in flight", why);
    }

    [Fact]
    public async Task A_started_item_without_an_outcome_past_the_bound_is_sent_again_once_per_bound()
    {
        var queue = new InProcessWorkQueue();
        var recovery = new InFlightRecovery();
        await queue.EnqueueAsync([Item("a"), Item("b")], default);
        recovery.Sent([Item("a"), Item("b")], T0);
        recovery.Started("a", T0);
        var inFlight = new Dictionary<string, bool> { ["a"] = true, ["b"] = false };
        Task<WorkItem> Rebuild(string key) => Task.FromResult(Item(key));

        Assert.Empty((await recovery.DueAsync("job", inFlight, queue, Options, T0 + TimeSpan.FromMinutes(9), Rebuild, default)).Items);
        var (stuck, why) = await recovery.DueAsync("job", inFlight, queue, Options, T0 + TimeSpan.FromMinutes(11), Rebuild, default);
        Assert.Equal("a", Assert.Single(stuck).SourcePath); // "b" waits in the queue: not stuck
        Assert.StartsWith("1 item(s) started more than", why);
        Assert.Empty((await recovery.DueAsync("job", inFlight, queue, Options, T0 + TimeSpan.FromMinutes(12), Rebuild, default)).Items);
    }
}
