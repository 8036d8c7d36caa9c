using System.Net;
using System.Net.Sockets;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Hosting;

/// <summary>
/// A silo host (as `hific silo` builds it) refuses to start on settings that cannot work, with a
/// message naming the key and the value, instead of starting and misbehaving later.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("HiFiC:Jobs:MaxInFlight", "0", "HiFiC:Jobs:MaxInFlight must be at least 1 (got 0).")]
    [InlineData("HiFiC:Jobs:PageSize", "-5", "HiFiC:Jobs:PageSize must be at least 1 (got -5).")]
    [InlineData("HiFiC:Jobs:Tick", "00:00:00", "HiFiC:Jobs:Tick must be longer than zero (got 00:00:00).")]
    [InlineData("HiFiC:Queue:VisibilityTimeout", "00:00:00", "HiFiC:Queue:VisibilityTimeout must be longer than zero (got 00:00:00).")]
    [InlineData("HiFiC:Queue:Provider", "Kafka", "HiFiC:Queue:Provider must be one of InProcess, AzureStorageQueue, ServiceBus (got 'Kafka').")]
    [InlineData("HiFiC:ModelPool:ThreadsPerInstance", "0", "HiFiC:ModelPool:ThreadsPerInstance must be between 1 and 1024 (got 0).")]
    [InlineData("HiFiC:ModelPool:Instances", "-1", "HiFiC:ModelPool:Instances must be between 0 and 256 (got -1).")]
    [InlineData("HiFiC:Worker:ProgressBatchSize", "0", "HiFiC:Worker:ProgressBatchSize must be at least 1 (got 0).")]
    [InlineData("HiFiC:Worker:PollInterval", "-00:00:01", "HiFiC:Worker:PollInterval must be longer than zero (got -00:00:01).")]
    [InlineData("HiFiC:Worker:MaxImagePixels", "0", "HiFiC:Worker:MaxImagePixels must be at least 1 (got 0).")]
    [InlineData("HiFiC:Restore:Timeout", "00:00:00", "HiFiC:Restore:Timeout must be longer than zero (got 00:00:00).")]
    [InlineData("HiFiC:Restore:MaxPixels", "0", "HiFiC:Restore:MaxPixels must be at least 1 (got 0).")]
    public async Task A_silo_with_a_broken_setting_fails_at_start_naming_it(string key, string value, string message)
    {
        using var host = Build((key, value));

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, e.Failures);
    }

    [Theory]
    [InlineData("HiFiC:Cluster:SiloPort", "70000", "HiFiC:Cluster:SiloPort must be between 0 and 65535 (got 70000).")]
    [InlineData("HiFiC:Cluster:Clustering", "Consul", "HiFiC:Cluster:Clustering must be one of Localhost, AzureTable (got 'Consul').")]
    [InlineData("HiFiC:Cluster:ClusterId", "", "HiFiC:Cluster:ClusterId must not be empty.")]
    public void Cluster_settings_are_checked_when_the_silo_is_configured(string key, string value, string message)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Build((key, value)));

        Assert.Contains(message, e.Failures);
    }

    [Fact]
    public void Several_broken_settings_are_reported_together()
    {
        var rules = new HiFiC.Cluster.Silo.Jobs.JobOptionsValidator().Validate(null, new HiFiC.Cluster.Silo.Jobs.JobOptions { MaxInFlight = 0, PageSize = 0 });

        Assert.True(rules.Failed);
        Assert.Equal(2, rules.Failures!.Count());
    }

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["HiFiC:Cluster:SiloPort"] = LoopbackPorts.Next().ToString(),
                ["HiFiC:Cluster:GatewayPort"] = LoopbackPorts.Next().ToString(),
                ["HiFiC:Worker:Enabled"] = "false",
            })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICodecModelSource>(new FixedModelSource(TestModel.Tiny));
        builder.UseOrleans(silo => silo.UseHificCluster(configuration));
        return builder.Build();
    }
}
