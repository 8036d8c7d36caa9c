namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>What an archive folder holds for its users: every file except hidden tool state (the destination lock, tile scratch), as relative '/' paths.</summary>
public static class ArchiveFiles
{
    public static List<string> List(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(p => !IsHidden(p))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static bool IsHidden(string relativePath) => relativePath.Split('/').Any(s => s.StartsWith('.'));
}
