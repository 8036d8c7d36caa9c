using HiFiC.Cli.Output;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cli.Cluster;

/// <summary>A job's status as the summary table the archive commands print, plus its failures on stderr.</summary>
internal static class JobStatusText
{
    public static void Write(CliContext cli, JobStatus s)
    {
        if (s.Spec?.IsRestore() == true) WriteRestore(cli, s);
        else WriteArchive(cli, s);
        foreach (var f in s.Failures) cli.Error($"{f.SourcePath}: {f.Reason}");
        if (s.FailuresTotal > s.Failures.Count) cli.Warn($"{s.FailuresTotal - s.Failures.Count} more failures not listed");
        if (s.Error is { } error) cli.Error(error);
        if (s.LeftAlone > 0)
            cli.Warn($"{s.LeftAlone} outputs left alone: the files at their names were not written by a restore (or were changed since); restore with --overwrite to replace them");
    }

    /// <summary>A restore job's summary: images restored, skipped (already restored, or left alone: a file there that is not this system's), failed, bytes read from the archive and written.</summary>
    private static void WriteRestore(CliContext cli, JobStatus s) =>
        SummaryTable.Write(cli.Out, $"restore job {s.JobId}",
        [
            ("Phase", s.Phase.ToString()),
            ("Restored", Units.Count(s.Done)),
            ("Skipped (current)", Units.Count(s.Skipped - s.LeftAlone)),
            ("Left alone (not ours)", Units.Count(s.LeftAlone)),
            ("Failed", Units.Count(s.Failed)),
            ("Queued", Units.Count(s.Queued)),
            ("In flight", Units.Count(s.Outstanding)),
            ("Bytes read", Units.Bytes(s.BytesIn)),
            ("Bytes written", Units.Bytes(s.BytesOut)),
            ("Images/s", Units.F(s.ItemsPerSecond, 2)),
            ("MP/s", Units.F(s.MegapixelsPerSecond, 3)),
            ("ETA", s.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "-"),
        ]);

    private static void WriteArchive(CliContext cli, JobStatus s)
    {
        var ratio = s.BytesOut > 0 ? (double)s.BytesIn / s.BytesOut : 0;
        SummaryTable.Write(cli.Out, $"job {s.JobId}",
        [
            ("Phase", s.Phase.ToString()),
            ("Images", Units.Count(s.Done)),
            ("Kept as original", Units.Count(s.KeptOriginal)),
            ("Skipped", Units.Count(s.Skipped)),
            ("Failed", Units.Count(s.Failed)),
            ("Queued", Units.Count(s.Queued)),
            ("In flight", Units.Count(s.Outstanding)),
            ("Bytes before", Units.Bytes(s.BytesIn)),
            ("Bytes after", Units.Bytes(s.BytesOut)),
            ("Ratio", s.BytesOut > 0 ? Units.F(ratio, 2) + "x" : "-"),
            ("Mean bpp", Units.F(s.MeanBpp, 4)),
            .. RateRows(s),
            ("Images/s", Units.F(s.ItemsPerSecond, 2)),
            ("MP/s", Units.F(s.MegapixelsPerSecond, 3)),
            ("ETA", s.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "-"),
        ]);
    }

    /// <summary>
    /// Constant-quality jobs (a target MS-SSIM): the distribution of the rates chosen, as one row per
    /// rate with a bar, and the images that could not reach the target below the knee.
    /// </summary>
    public static IEnumerable<(string, string)> RateRows(JobStatus s)
    {
        if (s.Spec?.TargetMsSsim is not { } target) yield break;
        long most = s.ChosenRates.Count == 0 ? 0 : s.ChosenRates.Max(c => c.Images);
        foreach (var c in s.ChosenRates)
            yield return ($"Rate t = {Units.F(c.Rate, 3)}", $"{new string('#', (int)Math.Ceiling(20.0 * c.Images / Math.Max(most, 1))),-20} {Units.Count(c.Images)}");
        yield return ($"Missed MS-SSIM {Units.F(target, 4)}", Units.Count(s.TargetMissed));
    }

    /// <summary>The exit code of a finished job, as `hific archive compress` returns it.</summary>
    public static int ExitCode(JobStatus s) => s.Phase switch
    {
        JobPhase.Cancelled => ExitCodes.Cancelled,
        JobPhase.Failed => ExitCodes.InputsFailed,
        _ => s.Failed > 0 ? ExitCodes.InputsFailed : ExitCodes.Ok,
    };
}
