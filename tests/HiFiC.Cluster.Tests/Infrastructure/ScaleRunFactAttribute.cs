namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// The listing scale runs (issue 22) are measurements of minutes to hours: they run when HIFIC_SCALE_RUN is
/// set to the image count (e.g. 1000, 10000, 100000), never in the default suite.
/// </summary>
public sealed class ScaleRunFactAttribute : FactAttribute
{
    public ScaleRunFactAttribute()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("HIFIC_SCALE_RUN"), out var n) || n < 1)
            Skip = "the listing scale run is a measurement: run it with HIFIC_SCALE_RUN=<entries> (docs/operations.md, \"Scale\"); the archive scale run is `hific bench scale`";
    }

    public static int Count => int.Parse(Environment.GetEnvironmentVariable("HIFIC_SCALE_RUN")!);

    /// <summary>Where tables and CSVs go: $HIFIC_SCALE_RUN_REPORT, else a temporary folder named in the output.</summary>
    public static string ReportFolder(string fallback)
    {
        var dir = Environment.GetEnvironmentVariable("HIFIC_SCALE_RUN_REPORT") is { Length: > 0 } d ? d : fallback;
        Directory.CreateDirectory(dir);
        return dir;
    }
}
