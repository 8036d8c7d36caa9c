using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cli.Settings;

/// <summary>
/// The CLI's form of the contracts' job rules (<see cref="JobSpecValidator"/>): the same checks the
/// coordinator makes, run before anything starts, reported with the option's name and exit code 2.
/// </summary>
public static class JobSpecCheck
{
    public static void ThrowIfInvalid(JobSpec spec)
    {
        var errors = JobSpecValidator.Check(spec);
        if (errors.Count > 0) throw new UsageException(string.Join("; ", errors.Select(e => $"{OptionOf(e.Field)} {e.Message}")));
    }

    public static string OptionOf(string field) => field switch
    {
        "tileSize" => "--tile",
        "refineSteps" => "--refine",
        "effort" => "--effort",
        "targetMsSsim" => "--target-msssim",
        "rate" or "rateName" => "--rate",
        "splitAbovePixels" => "--split-above",
        "maxAttempts" => "--max-attempts",
        "coordinators" => "--coordinators",
        "model" => "--model",
        "destination" => "--out",
        "folder" => "--folder",
        "format" => "--format",
        "quality" => "--quality",
        _ => field,
    };
}
