using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Work;

public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions o) => new OptionRules(WorkerOptions.Section)
        .AtLeast(nameof(o.Consumers), o.Consumers, 0)
        .AtLeast(nameof(o.PipelineDepth), o.PipelineDepth, 0)
        .Between(nameof(o.ReceiveBatch), o.ReceiveBatch, 1, 32)
        .Positive(nameof(o.PollInterval), o.PollInterval)
        .Positive(nameof(o.ProgressInterval), o.ProgressInterval)
        .AtLeast(nameof(o.ProgressBatchSize), o.ProgressBatchSize, 1)
        .Positive(nameof(o.PhaseRefresh), o.PhaseRefresh)
        .NotNegative(nameof(o.PausedRetryDelay), o.PausedRetryDelay)
        .NotNegative(nameof(o.RetryDelay), o.RetryDelay)
        .AtLeast(nameof(o.MaxImagePixels), o.MaxImagePixels, 1)
        .Result();
}
