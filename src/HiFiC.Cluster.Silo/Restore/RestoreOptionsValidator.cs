using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Restore;

public sealed class RestoreOptionsValidator : IValidateOptions<RestoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RestoreOptions o) => new OptionRules(RestoreOptions.Section)
        .AtLeast(nameof(o.MaxPixels), o.MaxPixels, 1)
        .Positive(nameof(o.Timeout), o.Timeout)
        .Result();
}
