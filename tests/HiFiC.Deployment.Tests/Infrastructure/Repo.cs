namespace HiFiC.Deployment.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from (the folder holding HiFiC.Cluster.sln).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "HiFiC.Cluster.sln"))) return d.FullName;
        throw new InvalidOperationException("HiFiC.Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
