using HiFiC.Cli.Files;

namespace HiFiC.Cli.Batch;

/// <summary>What happened to one file: a result or a failure, never both.</summary>
public sealed record FileOutcome<T>(FileJob Job, T? Result, FileFailure? Failure) where T : class
{
    public bool Ok => Failure is null;
}
