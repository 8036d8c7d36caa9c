using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Codec.Coding;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>Effort levels in jobs: the contracts' table is the codec's, and the validator's rules name the field.</summary>
public sealed class JobEffortTests
{
    [Fact]
    public void The_contracts_effort_table_is_the_codecs()
    {
        Assert.Equal(RefineEfforts.Names, JobEffort.Names);
        foreach (var name in JobEffort.Names)
            Assert.Equal(RefineEfforts.Steps(RefineEfforts.Parse(name)), JobEffort.Steps(name));
    }

    [Theory]
    [InlineData("fast", 0, 2048, null)]
    [InlineData("balanced", 0, 512, null)]
    [InlineData("max", 0, 1024, null)]
    [InlineData("turbo", 0, 512, "must be one of fast, balanced, max")]
    [InlineData("balanced", 5, 512, "not both")]
    [InlineData("max", 0, 2048, "tile size of 1024 or less")]
    public void The_validator_accepts_known_levels_and_refuses_the_rest_naming_the_field(string effort, int steps, int tile, string? error)
    {
        var errors = JobSpecValidator.Check(new JobSpec { Source = "s", Destination = "d", Effort = effort, RefineSteps = steps, TileSize = tile });
        if (error is null) Assert.Empty(errors);
        else Assert.Contains(errors, e => e.Field == "effort" && e.Message.Contains(error));
    }

    [Fact]
    public void An_entry_label_names_the_level_or_the_explicit_steps()
    {
        Assert.Equal("balanced", JobEffort.Label("balanced", 20));
        Assert.Equal("fast", JobEffort.Label(null, 0));
        Assert.Equal("steps 7", JobEffort.Label(null, 7));
    }
}
