namespace HiFiC.Cluster.Silo.Storage;

/// <summary>Relative blob paths: '/'-separated, no empty, "." or ".." segments, never rooted, no control characters (NUL).</summary>
public static class BlobPaths
{
    public static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var p = path.Replace('\\', '/');
        var segments = p.Split('/');
        if (p.StartsWith('/') || p.Any(char.IsControl) || segments.Any(s => s.Length == 0 || s == "." || s == ".."))
            throw new ArgumentException($"'{path}' is not a relative blob path.", nameof(path));
        return p;
    }
}
