using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Queue.AzureStorage;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Storage.AzureBlob;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>The Azure Storage queue and blob providers against Azurite: the same contract the in-process ones meet.</summary>
public sealed class AzureProviderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static WorkItem Item(string path) => new("job", "src", "dst", path, 1, "digest", 1, 64, false, 3);

    private AzureStorageWorkQueue Queue() =>
        AzureStorageWorkQueue.Create(azurite.ConnectionString, "q" + Guid.NewGuid().ToString("N")[..20]);

    [Fact]
    public async Task Storage_queue_hides_received_items_redelivers_them_after_the_timeout_and_honours_only_the_latest_receipt()
    {
        var q = Queue();
        await q.EnqueueAsync([Item("a/b.png")], default);
        var first = Assert.Single(await q.ReceiveAsync(10, TimeSpan.FromSeconds(1), default));
        Assert.Equal(("a/b.png", 1), (first.Item.SourcePath, first.DeliveryCount));
        Assert.Empty(await q.ReceiveAsync(10, TimeSpan.FromSeconds(1), default));

        // Redelivered once its 1 s lease has run out (polled for, not slept on).
        var second = Assert.Single(await Poll.UntilAsync(() => q.ReceiveAsync(10, TimeSpan.FromSeconds(30), default), r => r.Count > 0,
            TimeSpan.FromSeconds(30), "the item redelivered after its visibility timeout", TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, second.DeliveryCount);
        Assert.False(await q.CompleteAsync(first, default));

        // A renewal issues a new receipt: the renewed lease completes, the old one no longer does.
        var renewed = await q.RenewAsync(second, TimeSpan.FromSeconds(30), default);
        Assert.NotNull(renewed);
        Assert.NotEqual(second.Receipt, renewed.Receipt);
        Assert.True(await q.CompleteAsync(renewed, default));
        Assert.Equal(0, await q.CountAsync(default));
    }

    [Fact]
    public async Task Storage_queue_pause_release_is_not_an_attempt_but_a_retry_is()
    {
        var q = Queue();
        await q.EnqueueAsync([Item("x.png")], default);
        var lease = Assert.Single(await q.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
        await q.ReleaseAsync(lease, TimeSpan.Zero, countsAsAttempt: false, default);
        var again = Assert.Single(await q.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
        Assert.Equal(1, again.DeliveryCount);
        await q.ReleaseAsync(again, TimeSpan.Zero, countsAsAttempt: true, default);
        var third = Assert.Single(await q.ReceiveAsync(1, TimeSpan.FromSeconds(30), default));
        Assert.Equal(2, third.DeliveryCount);
    }

    [Fact]
    public async Task Blob_store_pages_with_the_service_continuation_token_and_writes_under_its_prefix()
    {
        var container = "c" + Guid.NewGuid().ToString("N")[..20];
        var factory = new BlobStoreFactory(Options.Create(new AzureStorageOptions { ConnectionString = azurite.ConnectionString }));
        var store = factory.OpenStore($"azblob://{container}/archive");
        string[] names = ["a.png", "a/b.png", "b.png", "z/y/x.png", ".hidden/q.png"];
        foreach (var n in names) await store.WriteAsync(n, new byte[n.Length], default);
        // A sibling prefix is not part of the store.
        await factory.OpenStore($"azblob://{container}/other").WriteAsync("c.png", new byte[1], default);

        var all = new List<BlobInfo>();
        string? cursor = null;
        do
        {
            var page = await store.ListAsync(cursor, 2, default);
            Assert.True(page.Items.Count <= 2);
            all.AddRange(page.Items);
            cursor = page.Cursor;
        } while (cursor is not null);
        Assert.Equal(["a.png", "a/b.png", "b.png", "z/y/x.png"], all.Select(b => b.Path));
        Assert.All(all, b => Assert.Equal(b.Path.Length, b.Size));
        Assert.Equal(new byte[5], await store.TryReadAllAsync("a.png", default));
        Assert.Null(await store.TryReadAllAsync("missing.png", default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ((IBlobStore)factory.OpenSource($"azblob://{container}/archive")).WriteAsync("n", new byte[1], default));
        Assert.Throws<ArgumentException>(() => factory.CheckJobLocations($"azblob://{container}/archive", $"azblob://{container}/archive/out"));
    }
}
