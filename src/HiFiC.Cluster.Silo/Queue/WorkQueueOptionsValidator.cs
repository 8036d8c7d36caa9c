using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Queue;

public sealed class WorkQueueOptionsValidator : IValidateOptions<WorkQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkQueueOptions o) => new OptionRules(WorkQueueOptions.Section)
        .OneOf(nameof(o.Provider), o.Provider, "InProcess", "AzureStorageQueue", "ServiceBus")
        .NotEmpty(nameof(o.Name), o.Name)
        // Leases are renewed every third of it; zero would spin and hand every item to every worker.
        .Positive(nameof(o.VisibilityTimeout), o.VisibilityTimeout)
        .Result();
}
