using HiFiC.Cli.Files;

namespace HiFiC.Cli.Batch;

/// <summary>Every outcome of a run, in input order; Cancelled when Ctrl+C stopped it before the end.</summary>
public sealed record BatchReport<T>(FilePlan Plan, IReadOnlyList<FileOutcome<T>> Outcomes, TimeSpan Elapsed, bool Cancelled) where T : class
{
    public IEnumerable<T> Results => Outcomes.Where(o => o.Ok).Select(o => o.Result!);
    public IEnumerable<FileOutcome<T>> Failed => Outcomes.Where(o => !o.Ok);
    public int OkCount => Outcomes.Count(o => o.Ok);
    public int FailedCount => Outcomes.Count(o => !o.Ok);

    public int ExitCode => Cancelled ? ExitCodes.Cancelled : ErrorClassifier.ExitCode(Failed.Select(f => f.Failure!));
}
