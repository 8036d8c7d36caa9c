using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Tests.Infrastructure;
using HiFiC.Codec.Coding;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>Job settings have one home: the contracts' defaults and validator, which the coordinator applies and which agrees with the codec.</summary>
public sealed class JobSettingsTests(TwoSiloFixture fx) : IClassFixture<TwoSiloFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_contracts_rules_accept_exactly_what_the_codec_accepts()
    {
        for (int tile = 0; tile <= 4200; tile += 16)
            foreach (int refine in new[] { 0, 1, 1000, 1001, -1 })
            {
                var spec = new JobSpec { Source = "s", Destination = "d", TileSize = tile, RefineSteps = refine };
                bool contracts = JobSpecValidator.Check(spec).Count == 0;
                bool codec;
                try { new CompressOptions { Rate = 1, TileSize = tile, RefineSteps = refine }.Validate(3); codec = true; }
                catch (ArgumentException) { codec = false; }
                Assert.True(contracts == codec, $"tile {tile}, refine {refine}: contracts {contracts}, codec {codec}");
            }
        foreach (var rate in new[] { -0.6, -0.5, 0, 2.5, 2.6, double.NaN })
        {
            bool contracts = JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", Rate = rate }).Count == 0;
            Assert.Equal(HiFiC.Codec.Networks.RateGains.InRange(rate, 3), contracts);
        }
        var defaults = new JobSpec { Source = "s", Destination = "d" };
        Assert.Equal(new CompressOptions().TileSize, defaults.TileSize);
        Assert.Empty(JobSpecValidator.Check(defaults));
    }

    [Fact]
    public async Task The_coordinator_refuses_a_bad_setting_at_start_naming_the_field_and_starts_nothing()
    {
        var src = temp.Sub("src");
        TestImages.WriteFolder(src, 1, withBadFiles: false);
        var job = fx.Cluster.Client.GetGrain<IArchiveJobGrain>("bad-" + Guid.NewGuid().ToString("N"));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => job.StartAsync(new JobSpec { Source = src, Destination = temp.Sub("dst"), TileSize = 100 }));
        Assert.Equal("tileSize", e.Data[JobSpecValidator.FieldKey]);
        Assert.Contains("multiple of 64", e.Message);
        Assert.Equal(JobPhase.None, (await job.GetStatusAsync()).Phase);
        Assert.False(File.Exists(Path.Combine(temp.Path, "dst", ".hific-lock")));
    }
}
