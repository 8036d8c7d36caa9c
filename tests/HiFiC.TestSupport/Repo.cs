namespace HiFiC.TestSupport;

/// <summary>The repository this test assembly was built from (the folder holding HiFiC.Cluster.sln).</summary>
public static class Repo
{
    public static string Root => RepoPaths.Root;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
