using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>
/// A silo dies mid-job. Its leased items come back after the visibility timeout and the other
/// silo takes them; the coordinator, if it lived there, reactivates from its saved state. Job
/// state is in a folder shared by the silos (see TestClusterFactory): memory grain storage is
/// itself hosted by silos and would be lost with the very silo this test kills.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Killing_the_silo_that_hosts_the_coordinator_mid_job_still_archives_every_good_image_exactly_once()
    {
        var factory = new TestClusterFactory { StateFolder = temp.Sub("state"), Visibility = TimeSpan.FromSeconds(2) };
        factory.Knobs.Delay = TimeSpan.FromMilliseconds(250);
        _ = TestModel.Tiny;
        await using var cluster = await factory.StartAsync(2);
        var src = temp.Sub("src");
        var dst = temp.Sub("dst");
        var good = TestImages.WriteFolder(src, 21, withBadFiles: true);
        good.Add(TestImages.WriteLarge(src));

        // Find a job id whose coordinator lands on a silo other than the first (either would do;
        // this keeps the primary, which also serves the client's first gateway, alive).
        var victim = cluster.Silos[1];
        IArchiveJobGrain job = null!;
        for (int i = 0; i < 50; i++)
        {
            job = cluster.Client.GetGrain<IArchiveJobGrain>($"kill-{i}-{Guid.NewGuid():N}");
            if ((await job.GetStatusAsync()).HostSilo == victim.SiloAddress.ToString()) break;
        }
        var before = await job.StartAsync(new JobSpec { Source = src, Destination = dst, TileSize = 64, MaxAttempts = 5, SplitAbovePixels = TestImages.SplitThreshold });
        output.WriteLine($"coordinator on {before.HostSilo}; killing {victim.SiloAddress}");
        await job.WaitAsync(s => s.Done >= 4, TimeSpan.FromSeconds(60));

        await cluster.KillSiloAsync(victim);
        var killedAt = DateTime.UtcNow;
        var end = await job.WaitForEndAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"finished {(DateTime.UtcNow - killedAt).TotalSeconds:F1}s after the kill: {JobWaits.Describe(end)}");

        Assert.Equal(JobPhase.Done, end.Phase);
        Assert.NotEqual(victim.SiloAddress.ToString(), end.HostSilo);
        Assert.Equal((22L, 2L, 24L), (end.Done, end.Failed, end.Queued));
        Assert.Equal((1L, 12L), (end.SplitImages, end.TilesDone));
        Assert.Equal(TestImages.BadFiles.Order(StringComparer.Ordinal), end.Failures.Select(f => f.SourcePath).Order(StringComparer.Ordinal));
        foreach (var path in good)
        {
            var m = ArchiveManifest.FromJson(File.ReadAllBytes(Path.Combine(dst, ArchiveNaming.Manifest(path))));
            Assert.Equal(new FileInfo(Path.Combine(dst, ArchiveNaming.Bitstream(path))).Length, m.OutputSize);
        }
        Assert.Equal(44, ArchiveFiles.List(dst).Count);
    }
}
