using System.Diagnostics;
using HiFiC.Cli.Files;
using Spectre.Console;

namespace HiFiC.Cli.Batch;

/// <summary>
/// Runs one piece of work per file. A failure is recorded and the batch goes on; Ctrl+C stops
/// after the current file's cleanup and returns what was done. On a terminal a progress bar
/// shows on stderr; otherwise (logs, CI) one line per file.
/// </summary>
public sealed class BatchRunner(CliContext cli)
{
    public BatchReport<T> Run<T>(FilePlan plan, string verb, Func<FileJob, CancellationToken, T> work, Func<T, string> describe, CancellationToken ct)
        where T : class
    {
        var outcomes = new List<FileOutcome<T>>(plan.Jobs.Count);
        var clock = Stopwatch.StartNew();
        bool cancelled = false;

        void RunAll(Action<FileJob> starting, Action<FileOutcome<T>, int> finished)
        {
            for (int i = 0; i < plan.Jobs.Count; i++)
            {
                if (ct.IsCancellationRequested) { cancelled = true; return; }
                var job = plan.Jobs[i];
                starting(job);
                FileOutcome<T> outcome;
                try
                {
                    outcome = new(job, work(job, ct), null);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    cancelled = true;
                    return;
                }
                catch (Exception e)
                {
                    outcome = new(job, null, ErrorClassifier.Classify(e));
                }
                outcomes.Add(outcome);
                finished(outcome, i);
            }
        }

        if (plan.IsBatch && cli.ErrIsInteractive && plan.Jobs.Count > 0)
        {
            cli.Err.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(verb, maxValue: plan.Jobs.Count);
                    RunAll(job => task.Description = $"{verb} {Markup.Escape(Shorten(job.Name))}", (_, _) => task.Increment(1));
                    task.Description = $"{verb}: {outcomes.Count(o => o.Ok)} ok, {outcomes.Count(o => !o.Ok)} failed";
                    task.StopTask();
                });
        }
        else if (plan.IsBatch)
        {
            int n = plan.Jobs.Count;
            RunAll(_ => { }, (o, i) =>
            {
                var line = o.Ok ? describe(o.Result!) : "FAILED: " + o.Failure!.Message;
                cli.Info($"[{i + 1}/{n}] {o.Job.Name}: {line}");
            });
        }
        else
        {
            RunAll(_ => { }, (_, _) => { });
        }
        return new BatchReport<T>(plan, outcomes, clock.Elapsed, cancelled);
    }

    /// <summary>Failures again after the progress bar (which owns the terminal while it runs), with stack traces for bugs under --verbose.</summary>
    public void ReportFailures<T>(BatchReport<T> report) where T : class
    {
        foreach (var o in report.Failed)
        {
            cli.Error($"{o.Job.Name}: {o.Failure!.Message}");
            if (cli.Verbose || o.Failure.Kind == Batch.FailureKind.Unexpected)
                cli.Err.WriteLine(cli.Verbose ? o.Failure.Exception.ToString() : "  (an unexpected error: run with --verbose for details)");
        }
        if (report.Cancelled)
            cli.Warn($"cancelled after {report.Outcomes.Count} of {report.Plan.Jobs.Count} files; no partial output was left behind");
    }

    private static string Shorten(string name) => name.Length <= 48 ? name : "…" + name[^47..];
}
