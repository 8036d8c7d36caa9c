using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Monitoring;

public sealed class SiloMetricsOptionsValidator : IValidateOptions<SiloMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloMetricsOptions o) => new OptionRules(SiloMetricsOptions.Section)
        .Between(nameof(o.Port), o.Port, 0, 65535)
        .Result();
}
