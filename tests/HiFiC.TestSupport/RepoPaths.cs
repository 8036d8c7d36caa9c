namespace HiFiC.TestSupport;

/// <summary>Folders of the repository the tests run from (found by walking up to the solution file).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> root = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HiFiC.Cluster.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("HiFiC.Cluster.sln not found above the test binaries " + AppContext.BaseDirectory);
    });

    public static string Root => root.Value;
    public static string Golden => Path.Combine(Root, "tests", "golden");
    public static string Models => Path.Combine(Root, "models");
    /// <summary>The sample photos shipped in the repository (samples/, with their licences).</summary>
    public static string Samples => Path.Combine(Root, "samples");
    /// <summary>The 30-photo eval set beside the checkout, or where HIFIC_DATASETS points (<see cref="Datasets"/>).</summary>
    public static string EvalImages => Datasets.Eval;
}
