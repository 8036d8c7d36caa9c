using HiFiC.Cluster.Web.Hosting;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Api;

/// <summary>
/// Which locations a caller may name. Every source, destination and archive must lie under one
/// of the configured roots; ".." segments are refused outright (never "resolved"), so a request
/// cannot walk out of a root whatever the root's own layout.
/// </summary>
public sealed class LocationPolicy
{
    private readonly List<string> folders = [];
    private readonly List<string> blobRoots = [];

    public LocationPolicy(IOptions<WebOptions> options, IHostEnvironment env)
    {
        var roots = options.Value.Roots.Count > 0 ? options.Value.Roots : ["data"];
        foreach (var r in roots.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            if (r.StartsWith("azblob://", StringComparison.OrdinalIgnoreCase)) blobRoots.Add(r.TrimEnd('/') + "/");
            else folders.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(r, env.ContentRootPath)));
        }
    }

    public IReadOnlyList<string> Folders => folders;

    /// <summary>The location to hand to the cluster, or an error message for a 400.</summary>
    public bool TryResolve(string? input, out string location, out string error)
    {
        location = ""; error = "";
        if (string.IsNullOrWhiteSpace(input)) { error = "is required"; return false; }
        if (input.Length > 1024 || input.Any(c => char.IsControl(c))) { error = "is not a valid location"; return false; }
        var segments = input.Replace('\\', '/').Split('/');
        if (segments.Any(s => s is ".." or ".")) { error = "must not contain '.' or '..' segments"; return false; }

        if (input.StartsWith("azblob://", StringComparison.OrdinalIgnoreCase))
        {
            var withSlash = input.TrimEnd('/') + "/";
            if (!blobRoots.Any(r => withSlash.StartsWith(r, StringComparison.Ordinal))) { error = "is outside the allowed locations"; return false; }
            location = input;
            return true;
        }
        if (input.Contains("://", StringComparison.Ordinal)) { error = "uses an unsupported scheme (folders or azblob:// only)"; return false; }
        if (folders.Count == 0) { error = "is outside the allowed locations"; return false; }

        var full = Path.TrimEndingDirectorySeparator(Path.IsPathRooted(input) ? Path.GetFullPath(input) : Path.GetFullPath(input, folders[0]));
        if (!folders.Any(f => full == f || full.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            error = "is outside the allowed locations";
            return false;
        }
        location = full;
        return true;
    }

    /// <summary>A relative image path inside an archive: '/'-separated, no empty, '.' or '..' segments.</summary>
    public static bool TryImagePath(string? raw, out string path, out string error)
    {
        path = ""; error = "";
        if (string.IsNullOrEmpty(raw)) { error = "an image path is required"; return false; }
        var p = Uri.UnescapeDataString(raw).Replace('\\', '/');
        if (p.Length > 1024 || p.Any(char.IsControl) || p.Contains(':')) { error = "is not a valid image path"; return false; }
        if (p.StartsWith('/') || p.Split('/').Any(s => s.Length == 0 || s is "." or "..")) { error = "must be a relative path without '.' or '..' segments"; return false; }
        path = p;
        return true;
    }
}
