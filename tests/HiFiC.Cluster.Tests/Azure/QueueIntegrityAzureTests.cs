using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Queue.AzureStorage;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>Issue 17.6/17.7 against Azurite: poison messages, message lifetime, a storage outage mid-job.</summary>
public sealed class QueueIntegrityAzureTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static WorkItem Item(string path) => new("job", "src", "dst", path, 1, "digest", 1, 64, false, 3);

    [Fact]
    public async Task Malformed_messages_go_to_the_poison_queue_with_their_reason_and_the_good_message_beside_them_is_delivered()
    {
        var name = "q" + Guid.NewGuid().ToString("N")[..20];
        var q = AzureStorageWorkQueue.Create(azurite.ConnectionString, name);
        var raw = new QueueClient(azurite.ConnectionString, name, AzureServiceVersions.Queue());
        await raw.CreateIfNotExistsAsync();
        await raw.SendMessageAsync(BinaryData.FromString("this is not json"));
        await raw.SendMessageAsync(BinaryData.FromString("{\"item\":null}"));
        await raw.SendMessageAsync(BinaryData.FromString("{\"item\":{\"jobId\":\"j\",\"sourcePath\":\"\"}}"));
        await q.EnqueueAsync([Item("good.png")], default);

        // One receive sees all four: the three bad ones are moved aside, the good one comes out.
        var leases = await q.ReceiveAsync(32, TimeSpan.FromSeconds(30), default);
        Assert.Equal("good.png", Assert.Single(leases).Item.SourcePath);
        Assert.True(await q.CompleteAsync(leases[0], default));
        Assert.Equal(0, await q.CountAsync(default));

        var poison = new QueueClient(azurite.ConnectionString, name + AzureStorageWorkQueue.PoisonSuffix, AzureServiceVersions.Queue());
        var moved = (await poison.ReceiveMessagesAsync(32)).Value
            .Select(m => JsonSerializer.Deserialize<PoisonMessage>(m.Body.ToString(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .OrderBy(p => p.Body, StringComparer.Ordinal).ToList();
        Assert.Equal(3, moved.Count);
        Assert.Equal(new[] { "this is not json", "{\"item\":null}", "{\"item\":{\"jobId\":\"j\",\"sourcePath\":\"\"}}" }.Order(StringComparer.Ordinal), moved.Select(p => p.Body));
        Assert.All(moved, p => Assert.Equal(name, p.Queue));
        Assert.Contains(moved, p => p.Reason.Contains("not a work item message", StringComparison.Ordinal));
        Assert.Contains(moved, p => p.Reason == "the message has no item");
        Assert.Contains(moved, p => p.Reason == "the item has no source path");
    }

    [Fact]
    public async Task Work_messages_never_expire_unless_a_lifetime_is_configured()
    {
        var name = "q" + Guid.NewGuid().ToString("N")[..20];
        await AzureStorageWorkQueue.Create(azurite.ConnectionString, name).EnqueueAsync([Item("a.png")], default);
        await AzureStorageWorkQueue.Create(azurite.ConnectionString, name, TimeSpan.FromHours(1)).EnqueueAsync([Item("b.png")], default);
        var raw = new QueueClient(azurite.ConnectionString, name, AzureServiceVersions.Queue());
        var messages = (await raw.ReceiveMessagesAsync(32)).Value.ToDictionary(m => QueueEnvelope.From(m.Body).Item.SourcePath);
        // The service's "never" is 9999-12-31; its default would be 7 days.
        Assert.Equal(9999, messages["a.png"].ExpiresOn!.Value.Year);
        Assert.True(messages["b.png"].ExpiresOn < DateTimeOffset.UtcNow.AddHours(2));
    }

    /// <summary>Silos on an Azurite queue whose messages live <paramref name="ttl"/>; source and archive are folders.</summary>
    private TestClusterFactory Factory(string queueName, TimeSpan? ttl, string? connection = null) => new()
    {
        StateFolder = temp.Sub("state"),
        Visibility = TimeSpan.FromSeconds(3),
        Configure = s =>
        {
            s.Configure<WorkQueueOptions>(o => { o.Provider = "AzureStorageQueue"; o.Name = queueName; o.MessageTimeToLive = ttl; });
            s.Configure<AzureStorageOptions>(o => o.ConnectionString = connection ?? azurite.ConnectionString);
        },
    };

    [Fact]
    public async Task A_job_paused_longer_than_its_messages_live_resumes_with_all_its_items()
    {
        var queueName = "ttl-" + Guid.NewGuid().ToString("N")[..12];
        var factory = Factory(queueName, TimeSpan.FromSeconds(3));
        factory.Knobs.Delay = TimeSpan.FromMilliseconds(200);
        await using var cluster = await factory.StartAsync(1);
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 10, withBadFiles: false);

        var job = cluster.Client.GetGrain<IArchiveJobGrain>("ttl-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 64, MaxAttempts = 3 });
        await job.WaitAsync(s => s.ListingComplete && s.Done >= 1, TimeSpan.FromSeconds(60));
        var paused = await job.PauseAsync();
        output.WriteLine("paused: " + JobWaits.Describe(paused));

        // The paused items' messages reach their time-to-live and the service drops them.
        var raw = new QueueClient(azurite.ConnectionString, queueName, AzureServiceVersions.Queue());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await raw.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the messages did not expire");
            await Task.Delay(200);
        }
        Assert.True((await job.GetStatusAsync()).Outstanding > 0, "nothing was left to lose");

        await job.ResumeAsync();
        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(JobWaits.Describe(end));
        Assert.Equal((JobPhase.Done, 10L, 0L), (end.Phase, end.Done, end.Failed));
        foreach (var g in good) Assert.True(File.Exists(Path.Combine(dst, ArchiveNaming.Manifest(g))), g);
        Assert.Equal(2 * good.Count, ArchiveFiles.List(dst).Count);
    }

    [Fact]
    public async Task A_storage_outage_mid_job_ends_with_every_image_archived_once()
    {
        await using var storage = new PersistentAzurite(temp.Sub("azurite"));
        await storage.StartAsync();
        var local = temp.Sub("images");
        var good = TestImages.WriteFolder(local, 24, withBadFiles: false);
        var service = new BlobServiceClient(storage.ConnectionString, AzureServiceVersions.Blob());
        var photos = service.GetBlobContainerClient("photos");
        await photos.CreateIfNotExistsAsync();
        foreach (var g in good) await photos.GetBlobClient("in/" + g).UploadAsync(Path.Combine(local, g), overwrite: true);

        var queueName = "outage-" + Guid.NewGuid().ToString("N")[..12];
        var factory = Factory(queueName, null, storage.ConnectionString);
        factory.Knobs.Delay = TimeSpan.FromMilliseconds(300);
        await using var cluster = await factory.StartAsync(2);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("outage-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = "azblob://photos/in", Destination = "azblob://archive/v1", TileSize = 64, MaxAttempts = 5 });
        var before = await job.WaitAsync(s => s.Done >= 4, TimeSpan.FromSeconds(60));

        // Queue, source and archive all go away at once, mid-job, and come back with their data.
        await storage.StopAsync();
        output.WriteLine("storage down at " + JobWaits.Describe(before));
        // Long enough that every silo's receives, reads and writes fail (the clients' own retries included).
        await Task.Delay(TimeSpan.FromSeconds(8));
        await storage.StartAsync();
        output.WriteLine("storage back at " + JobWaits.Describe(await job.GetStatusAsync()));

        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(120));
        output.WriteLine(JobWaits.Describe(end));
        Assert.Equal((JobPhase.Done, 24L, 0L), (end.Phase, end.Done, end.Failed));
        var names = new List<string>();
        await foreach (var b in service.GetBlobContainerClient("archive").GetBlobsAsync(BlobTraits.None, BlobStates.None, "v1/", default))
            names.Add(b.Name["v1/".Length..]);
        // Every image once: its bitstream and its manifest, nothing else (no stray or doubled entry).
        Assert.Equal(good.SelectMany(g => new[] { ArchiveNaming.Bitstream(g), ArchiveNaming.Manifest(g) }).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }
}
