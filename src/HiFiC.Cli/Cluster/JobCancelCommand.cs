using System.CommandLine;

namespace HiFiC.Cli.Cluster;

/// <summary>`hific job cancel ID`: Cancel a job: queued items are dropped; archived images stay.</summary>
public sealed class JobCancelCommand : JobClientCommand
{
    private readonly Argument<string> id = JobCommand.Id();

    public JobCancelCommand(CliContext cli) : base(cli, "cancel", "Cancel a job: queued items are dropped; archived images stay.")
    {
        Add(id);
    }

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (job, _) = await FindAsync(client, r.GetValue(id)!);
        var status = await job.CancelAsync();
        cli.Info($"job {status.JobId}: {status.Phase.ToString().ToLowerInvariant()} ({status.Done} done, {status.Failed} failed, {status.Outstanding} in flight)");
        return ExitCodes.Ok;
    }
}
