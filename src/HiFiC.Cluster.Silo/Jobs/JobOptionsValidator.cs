using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Jobs;

public sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions o) => new OptionRules(JobOptions.Section)
        .AtLeast(nameof(o.PageSize), o.PageSize, 1)
        // Zero would let a job list nothing and never finish.
        .AtLeast(nameof(o.MaxInFlight), o.MaxInFlight, 1)
        .Positive(nameof(o.Tick), o.Tick)
        .NotNegative(nameof(o.ListingPause), o.ListingPause)
        .Positive(nameof(o.KeepAlive), o.KeepAlive)
        // At least a page of one; at most what keeps the worst case (1,024-character paths, 300-character reasons) far below an Azure Table entity's 1 MB.
        .Between(nameof(o.MaxRecordedFailures), o.MaxRecordedFailures, 2, 500)
        // 4,096 tiles × ~70 bytes ≈ 290 KB: far below the 1 MB of an Azure Table entity.
        .Between(nameof(o.MaxOpenTiles), o.MaxOpenTiles, 1, 8192)
        .Positive(nameof(o.StuckAfter), o.StuckAfter)
        .Positive(nameof(o.LossCheckInterval), o.LossCheckInterval)
        .Result();
}
