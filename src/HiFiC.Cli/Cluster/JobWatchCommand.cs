using System.CommandLine;
using HiFiC.Cli.Archive;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// `hific job watch ID`: a live progress bar (done/failed/rate/ETA) until the job ends, then its
/// summary; exits like `hific archive compress`. Ctrl+C stops watching, not the job.
/// </summary>
public sealed class JobWatchCommand : JobClientCommand
{
    private readonly Argument<string> id = JobCommand.Id();

    public JobWatchCommand(CliContext cli) : base(cli, "watch", "Follow a job with a live progress bar until it ends.")
    {
        Add(id);
    }

    protected override Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct) =>
        WatchAsync(cli, client, r.GetValue(id)!, ct);

    internal static async Task<int> WatchAsync(CliContext cli, IClusterClient client, string jobId, CancellationToken ct)
    {
        var (job, status) = await FindAsync(client, jobId, ct);
        var view = new ArchiveProgressView(cli);
        var end = await view.RunAsync(async progress =>
        {
            while (!status.Phase.IsTerminal() && !ct.IsCancellationRequested)
            {
                progress.Report(status);
                try { await Task.Delay(TimeSpan.FromMilliseconds(500), ct); } catch (OperationCanceledException) { break; }
                try { status = await job.GetStatusAsync(); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The coordinator's silo may just have died: its next activation answers.
                    cli.Warn($"status not available yet ({e.GetType().Name}); retrying");
                }
            }
            progress.Report(status);
            return status;
        });
        JobStatusText.Write(cli, end);
        if (!end.Phase.IsTerminal())
        {
            cli.Warn($"stopped watching; job {jobId} goes on");
            return ExitCodes.Cancelled;
        }
        return JobStatusText.ExitCode(end);
    }
}
