using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// A 2-silo cluster whose queue is an Azure Storage queue and whose source and archive are blob
/// containers, all in Azurite; one silo is killed mid-job. Job state stays in the shared folder
/// storage (Orleans' Azure Table providers are the production choice; not wired in these tests).
/// </summary>
public sealed class AzureClusterJobTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Azurite_backed_silos_archive_every_good_image_once_through_a_silo_kill_and_restore_matches_a_direct_decode()
    {
        var local = temp.Sub("images");
        var good = TestImages.WriteFolder(local, 20, withBadFiles: true);
        var service = new BlobServiceClient(azurite.ConnectionString, AzureServiceVersions.Blob());
        var container = service.GetBlobContainerClient("photos");
        await container.CreateIfNotExistsAsync();
        foreach (var f in Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories))
            await container.GetBlobClient("in/" + Path.GetRelativePath(local, f).Replace('\\', '/')).UploadAsync(f, overwrite: true);

        // One name for both silos: the lambda below runs once per silo.
        var queueName = "work-" + Guid.NewGuid().ToString("N")[..12];
        var factory = new TestClusterFactory
        {
            StateFolder = temp.Sub("state"),
            Visibility = TimeSpan.FromSeconds(3),
            Configure = s =>
            {
                s.Configure<WorkQueueOptions>(o => { o.Provider = "AzureStorageQueue"; o.Name = queueName; });
                s.Configure<AzureStorageOptions>(o => o.ConnectionString = azurite.ConnectionString);
            },
        };
        factory.Knobs.Delay = TimeSpan.FromMilliseconds(200);
        await using var cluster = await factory.StartAsync(2);
        var job = cluster.Client.GetGrain<IArchiveJobGrain>("azure-" + Guid.NewGuid().ToString("N"));
        await job.StartAsync(new JobSpec { Source = "azblob://photos/in", Destination = "azblob://archive/v1", TileSize = 64, Verify = true, MaxAttempts = 5 });
        await job.WaitAsync(s => s.Done >= 3, TimeSpan.FromSeconds(60));
        var victim = cluster.Silos[1];
        await cluster.KillSiloAsync(victim);
        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(90));
        output.WriteLine(JobWaits.Describe(end));

        Assert.Equal(JobPhase.Done, end.Phase);
        Assert.Equal((20L, 2L, 22L), (end.Done, end.Failed, end.Queued));
        Assert.Equal(TestImages.BadFiles.Order(StringComparer.Ordinal), end.Failures.Select(f => f.SourcePath).Order(StringComparer.Ordinal));

        var archive = service.GetBlobContainerClient("archive");
        var names = new List<string>();
        await foreach (var b in archive.GetBlobsAsync(BlobTraits.None, BlobStates.None, "v1/", default))
            if (!ArchiveFiles.IsHidden(b.Name["v1/".Length..])) names.Add(b.Name["v1/".Length..]);
        Assert.Equal(good.SelectMany(g => new[] { ArchiveNaming.Bitstream(g), ArchiveNaming.Manifest(g) }).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));

        var restore = cluster.Client.GetGrain<IRestoreGrain>(0);
        foreach (var g in good.Take(3))
        {
            var bitstream = (await archive.GetBlobClient("v1/" + ArchiveNaming.Bitstream(g)).DownloadContentAsync()).Value.Content.ToArray();
            var manifest = ArchiveManifest.FromJson((await archive.GetBlobClient("v1/" + ArchiveNaming.Manifest(g)).DownloadContentAsync()).Value.Content.ToArray());
            Assert.True(manifest.Verified);
            var direct = DirectDecoder.Decode(TestModel.Tiny, bitstream, TestClusterFactory.ThreadsPerInstance);
            Assert.Equal(manifest.LatentHash, direct.LatentHash);
            var restored = await restore.RestoreAsync(new RestoreRequest("azblob://archive/v1", g));
            Assert.Equal(direct.Image.Pixels, ImageIO.Load(new MemoryStream(restored.Png)).Rgb.Pixels);
        }

        // A restore job into a container, then again: the second finds every image current by the records
        // the first wrote beside them (hidden blobs), and rewrites the one whose record names another entry.
        var restoreJob = cluster.Client.GetGrain<IArchiveJobGrain>("azure-restore-" + Guid.NewGuid().ToString("N"));
        var restoreSpec = new JobSpec { Kind = JobKind.Restore, Source = "azblob://archive/v1", Destination = "azblob://restored/r1", SkipExisting = false };
        await restoreJob.StartAsync(restoreSpec);
        var restoredEnd = await restoreJob.WaitForEndAsync(TimeSpan.FromSeconds(90));
        Assert.True(restoredEnd.Phase == JobPhase.Done && restoredEnd.Done == 20, JobWaits.Describe(restoredEnd));
        var restoredContainer = service.GetBlobContainerClient("restored");
        var record = restoredContainer.GetBlobClient("r1/" + ArchiveNaming.RestoreRecord(ArchiveNaming.RestoredName(good[0])));
        var recordJson = (await record.DownloadContentAsync()).Value.Content.ToString();
        await record.UploadAsync(BinaryData.FromString(recordJson.Replace("\"entrySha256\":\"", "\"entrySha256\":\"0")), overwrite: true);
        var again = cluster.Client.GetGrain<IArchiveJobGrain>("azure-restore2-" + Guid.NewGuid().ToString("N"));
        await again.StartAsync(restoreSpec);
        var againEnd = await again.WaitForEndAsync(TimeSpan.FromSeconds(90));
        Assert.True(againEnd.Phase == JobPhase.Done, JobWaits.Describe(againEnd));
        Assert.Equal((1L, 19L), (againEnd.Done, againEnd.Skipped));
    }
}
