using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Silo.Restore;
using HiFiC.Cluster.Web.Api;
using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// The web host references the contracts only, so the few constants it shares with the silo and
/// the codec are written twice (a compile-time dependency is what it must not have): pinned equal here,
/// where both sides are visible. And the output rules it asks the silos for, as the API names them.
/// </summary>
public sealed class ContractsAgreementTests
{
    [Fact]
    public void The_default_rate_name_and_the_silo_meter_are_the_codecs_and_the_silos()
    {
        Assert.Equal(CodecModel.DefaultRateName, JobSpec.DefaultRateName);
        Assert.Equal(HificMetrics.MeterName, ClusterMonitor.SiloMeterName);
    }

    [Theory]
    [InlineData(null, null, null, null, "image/webp,image/*", "webp", null)]
    [InlineData(null, "80", null, null, "image/png", null, null)]          // PNG by Accept: the quality is ignored
    [InlineData("jpg", "90", "100", null, null, "jpeg", null)]
    [InlineData("gif", null, null, null, null, null, "format")]
    [InlineData("png", "80", null, null, null, null, "quality")]
    [InlineData(null, null, "0", null, null, null, "width")]
    [InlineData(null, null, null, "x", null, null, "height")]
    public void The_restore_output_choice_names_the_format_or_the_field_at_fault(string? format, string? quality, string? width, string? height,
        string? accept, string? chosen, string? field)
    {
        var choice = RestoreOutputGrain.Choose(format, quality, width, height, accept);
        Assert.Equal(field, choice.Field);
        if (field is null) Assert.Equal(chosen, choice.Format);
    }
}
