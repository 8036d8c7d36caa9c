using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Codec;

public sealed class ModelPoolOptionsValidator : IValidateOptions<ModelPoolOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelPoolOptions o) => new OptionRules(ModelPoolOptions.Section)
        .Between(nameof(o.Instances), o.Instances, 0, 256)
        .Between(nameof(o.ThreadsPerInstance), o.ThreadsPerInstance, 1, 1024)
        .Result();
}
