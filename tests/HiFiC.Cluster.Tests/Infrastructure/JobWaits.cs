using System.Diagnostics;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Tests.Infrastructure;

public static class JobWaits
{
    /// <summary>Polls the job until <paramref name="until"/> holds; fails the test with the last status after <paramref name="timeout"/>.</summary>
    public static async Task<JobStatus> WaitAsync(this IArchiveJobGrain job, Func<JobStatus, bool> until, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        JobStatus? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await job.GetStatusAsync();
                if (until(last)) return last;
            }
            catch (Exception) when (clock.Elapsed < timeout)
            {
                // The coordinator's silo may just have died; the next activation answers.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Job did not reach the expected state in {timeout}: {Describe(last)}");
    }

    public static Task<JobStatus> WaitForEndAsync(this IArchiveJobGrain job, TimeSpan timeout) =>
        job.WaitAsync(s => s.Phase.IsTerminal(), timeout);

    public static string Describe(JobStatus? s) => s is null ? "no status" :
        $"{s.Phase} queued={s.Queued} done={s.Done} failed={s.Failed} skipped={s.Skipped} cancelled={s.Cancelled} outstanding={s.Outstanding} dup={s.DuplicateReports} host={s.HostSilo} failures=[{string.Join("; ", s.Failures.Select(f => f.SourcePath + ": " + f.Reason))}]";
}
