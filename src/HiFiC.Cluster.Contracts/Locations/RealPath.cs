namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>
/// Where a path really leads: every symbolic link on it resolved (also a dangling last one, so a
/// write through it is judged by where it would land), components that do not exist yet kept as
/// they are. Resolution is textual, component by component, so a link loop ends in an
/// <see cref="IOException"/> after <see cref="MaxLinks"/> links instead of hanging.
/// </summary>
public static class RealPath
{
    /// <summary>As Linux's own limit (ELOOP).</summary>
    public const int MaxLinks = 40;

    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[root.Length..]);
        var current = root;
        int links = 0;
        bool missing = false;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? root; continue; }
            var next = Path.Join(current, part);
            if (!missing)
            {
                string? target = null;
                try { target = new FileInfo(next).LinkTarget; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                if (target is not null)
                {
                    if (++links > MaxLinks) throw new IOException($"Too many levels of symbolic links at {path}.");
                    if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
                    Push(pending, Path.IsPathRooted(target) ? target[Path.GetPathRoot(target)!.Length..] : target);
                    continue;
                }
                if (!File.Exists(next) && !Directory.Exists(next)) missing = true;
            }
            current = next;
        }
        return Path.TrimEndingDirectorySeparator(current).Length == 0 ? root : current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it (both absolute, normalised).</summary>
    public static bool IsWithin(string path, string folder, bool allowSelf = true)
    {
        folder = Path.TrimEndingDirectorySeparator(folder);
        path = Path.TrimEndingDirectorySeparator(path);
        if (path.Equals(folder, StringComparison.Ordinal)) return allowSelf;
        return path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static void Push(Stack<string> pending, string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (int i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }
}
