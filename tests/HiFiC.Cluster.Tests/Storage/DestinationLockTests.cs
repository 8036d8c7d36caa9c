using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Storage.Locks;
using HiFiC.Cluster.Tests.Azure;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Storage;

/// <summary>One writer per destination, on a real folder and on Azurite.</summary>
public sealed class DestinationLockTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Stores => new() { "folder", "azurite" };

    private (DestinationLocks Locks, string Destination) Open(string kind)
    {
        var factory = new BlobStoreFactory(Options.Create(new AzureStorageOptions { ConnectionString = azurite.ConnectionString }));
        var destination = kind == "folder" ? temp.Sub("dst-" + Guid.NewGuid().ToString("N")[..6]) : $"azblob://locks-{Guid.NewGuid():N}/archive";
        return (new DestinationLocks(factory, NullLogger<DestinationLocks>.Instance), destination);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_held_destination_refuses_other_jobs_until_released(string kind)
    {
        var (locks, dst) = Open(kind);
        Assert.True((await locks.TryAcquireAsync(dst, "job-a", Ttl, default)).Held);
        var refused = await locks.TryAcquireAsync(dst, "job-b", Ttl, default);
        Assert.False(refused.Held);
        Assert.Equal("job-a", refused.Holder);
        Assert.True(refused.HolderExpiresUtc > DateTime.UtcNow);
        // Renewal by the holder.
        Assert.True((await locks.TryAcquireAsync(dst, "job-a", Ttl, default)).Held);
        Assert.Equal("job-a", (await locks.HolderAsync(dst, default))?.JobId);

        await locks.ReleaseAsync(dst, "job-b", default); // not b's to release
        Assert.False((await locks.TryAcquireAsync(dst, "job-b", Ttl, default)).Held);
        await locks.ReleaseAsync(dst, "job-a", default);
        Assert.Null(await locks.HolderAsync(dst, default));
        Assert.True((await locks.TryAcquireAsync(dst, "job-b", Ttl, default)).Held);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_expired_lock_is_taken_over_and_its_old_holder_then_finds_it_lost(string kind)
    {
        var (locks, dst) = Open(kind);
        // A negative time to live writes a lock that has already expired: a holder that stopped renewing.
        Assert.True((await locks.TryAcquireAsync(dst, "job-dead", TimeSpan.FromSeconds(-1), default)).Held);
        Assert.True((await locks.TryAcquireAsync(dst, "job-new", Ttl, default)).Held);
        var back = await locks.TryAcquireAsync(dst, "job-dead", Ttl, default);
        Assert.False(back.Held);
        Assert.Equal("job-new", back.Holder);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Of_many_jobs_racing_for_a_free_destination_exactly_one_wins(string kind)
    {
        var (locks, dst) = Open(kind);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => locks.TryAcquireAsync(dst, $"job-{i}", Ttl, default))));
        var winners = results.Where(r => r.Held).ToList();
        Assert.Single(winners);
        var holder = (await locks.HolderAsync(dst, default))!.JobId;
        Assert.All(results.Where(r => !r.Held), r => Assert.Equal(holder, r.Holder));
    }
}
