namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// The scale runs (issue 22) are measurements of minutes to hours: they run when HIFIC_SCALE_RUN is
/// set to the image count (e.g. 1000, 10000, 100000), never in the default suite.
/// </summary>
public sealed class ScaleRunFactAttribute : FactAttribute
{
    public ScaleRunFactAttribute()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("HIFIC_SCALE_RUN"), out var n) || n < 1)
            Skip = "the scale run is a measurement: run it with HIFIC_SCALE_RUN=<images> (docs/operations.md, \"Scale run\")";
        else if (!Directory.Exists(Scale.RealCrops.Folder))
            Skip = $"the scale run crops real photos and {Scale.RealCrops.Folder} is missing";
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
