using System.CommandLine;

namespace HiFiC.Cli.Cluster;

/// <summary>`hific job pause ID`: Pause a job: no new items are handed out; items being compressed finish.</summary>
public sealed class JobPauseCommand : JobClientCommand
{
    private readonly Argument<string> id = JobCommand.Id();

    public JobPauseCommand(CliContext cli) : base(cli, "pause", "Pause a job: no new items are handed out; items being compressed finish.")
    {
        Add(id);
    }

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (job, _) = await FindAsync(client, r.GetValue(id)!);
        var status = await job.PauseAsync();
        cli.Info($"job {status.JobId}: {status.Phase.ToString().ToLowerInvariant()} ({status.Done} done, {status.Failed} failed, {status.Outstanding} in flight)");
        return ExitCodes.Ok;
    }
}
