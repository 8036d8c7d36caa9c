using System.CommandLine;

namespace HiFiC.Cli.Cluster;

/// <summary>`hific job submit|restore|status|watch|pause|resume|cancel`: archive and restore jobs on a running cluster (an Orleans client).</summary>
public sealed class JobCommand : Command
{
    public JobCommand(CliContext cli) : base("job", "Submit and control archive jobs on a running cluster (see `hific silo`).")
    {
        Add(new JobSubmitCommand(cli));
        Add(new JobRestoreCommand(cli));
        Add(new JobStatusCommand(cli));
        Add(new JobWatchCommand(cli));
        Add(new JobPauseCommand(cli));
        Add(new JobResumeCommand(cli));
        Add(new JobCancelCommand(cli));
    }

    internal static Argument<string> Id() => new("id") { Description = "Job id (printed by `hific job submit`)." };
}
