namespace HiFiC.Codec.Tests.Golden;

/// <summary>Folders of the repository the tests run from (found by walking up to the solution file).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> root = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HiFiC.Cluster.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("HiFiC.Cluster.sln not found above the test binaries.");
    });

    public static string Root => root.Value;
    public static string Golden => Path.Combine(Root, "tests", "golden");
    public static string Models => Path.Combine(Root, "models");
    public static string EvalImages => Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "eval"));
}
