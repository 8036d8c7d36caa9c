using System.CommandLine;

namespace HiFiC.Cli.Cluster;

/// <summary>`hific job resume ID`: Resume a paused job.</summary>
public sealed class JobResumeCommand : JobClientCommand
{
    private readonly Argument<string> id = JobCommand.Id();

    public JobResumeCommand(CliContext cli) : base(cli, "resume", "Resume a paused job.")
    {
        Add(id);
    }

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (job, _) = await FindAsync(client, r.GetValue(id)!);
        var status = await job.ResumeAsync();
        cli.Info($"job {status.JobId}: {status.Phase.ToString().ToLowerInvariant()} ({status.Done} done, {status.Failed} failed, {status.Outstanding} in flight)");
        return ExitCodes.Ok;
    }
}
