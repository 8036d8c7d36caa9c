using HiFiC.Cli.Output;
using HiFiC.Cluster.Contracts.Jobs;
using Spectre.Console;

namespace HiFiC.Cli.Archive;

/// <summary>
/// Live job progress on stderr: a bar (done + failed of what is listed so far, with rate and
/// ETA) on a terminal; one line every few seconds when stderr is redirected.
/// </summary>
internal sealed class ArchiveProgressView(CliContext cli)
{
    private static readonly TimeSpan LineEvery = TimeSpan.FromSeconds(5);

    public async Task<T> RunAsync<T>(Func<IProgress<JobStatus>, Task<T>> run)
    {
        if (!cli.ErrIsInteractive)
        {
            var last = DateTime.MinValue;
            return await run(new InlineProgress<JobStatus>(s =>
            {
                if (DateTime.UtcNow - last < LineEvery && !s.Phase.IsTerminal()) return;
                last = DateTime.UtcNow;
                cli.Info(Line(s));
            }));
        }
        T result = default!;
        await cli.Err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("listing", maxValue: 1);
                result = await run(new InlineProgress<JobStatus>(s =>
                {
                    task.MaxValue = Math.Max(1, s.Queued);
                    task.Value = s.Done + s.Failed + s.Cancelled;
                    task.Description = Markup.Escape(Line(s));
                    if (s.Phase.IsTerminal()) task.StopTask();
                }));
            });
        return result;
    }

    private static string Line(JobStatus s)
    {
        var eta = s.Eta is { } e ? $"ETA {e:hh\\:mm\\:ss}" : s.ListingComplete ? "ETA -" : "listing…";
        return $"{s.Phase.ToString().ToLowerInvariant()}: {s.Done} done, {s.Failed} failed, {s.Skipped} skipped{(s.LeftAlone > 0 ? $" ({s.LeftAlone} left alone)" : "")} of {s.Queued + s.Skipped} " +
               $"| {Units.F(s.ItemsPerSecond, 2)} img/s | {eta}";
    }
}
