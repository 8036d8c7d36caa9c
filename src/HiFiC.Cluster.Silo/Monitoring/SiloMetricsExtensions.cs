using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace HiFiC.Cluster.Silo.Monitoring;

public static class SiloMetricsExtensions
{
    /// <summary>
    /// The silo's Prometheus endpoint (HiFiC:Metrics:Port, 0 = none): the archive's meter and the
    /// .NET runtime's built-in one, served by OpenTelemetry's HttpListener exporter at /metrics.
    /// </summary>
    public static IServiceCollection AddHificSiloMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SiloMetricsOptions.Section);
        services.Configure<SiloMetricsOptions>(section);
        services.AddOptions<SiloMetricsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloMetricsOptions>, SiloMetricsOptionsValidator>());
        // The port decides whether there is an exporter at all, so it is read here; the validator
        // still names a bad value when the host starts.
        int port = section.GetValue<int>(nameof(SiloMetricsOptions.Port));
        if (port is <= 0 or > 65535) return services;
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(HificMetrics.MeterName, "System.Runtime")
            .AddPrometheusHttpListener(o =>
            {
                o.Port = port;
                o.ScrapeEndpointPath = "/metrics";
                // Every address, not the default localhost: Prometheus scrapes the pod's IP. ('+' is not a
                // valid Host for the exporter's own URI, so the listener's prefix is replaced here.)
                o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add($"http://+:{port}/");
                };
            }));
        return services;
    }
}
