using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Locations;
using HiFiC.Cluster.Web.Hosting;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Api;

/// <summary>
/// Which locations a caller may name: the storage's own canonical check (<see cref="StorageRoots"/>:
/// decoded once, canonical form, links resolved, inside HiFiC:Web:Roots), so the API refuses
/// exactly what storage would. Jobs are checked again each time the API reads one (status,
/// images, originals): a job submitted from the CLI, or one whose folder became a link out of
/// the roots, is not served.
/// </summary>
public sealed class LocationPolicy
{
    private readonly StorageRoots roots;

    public LocationPolicy(IOptions<WebOptions> options, IHostEnvironment env) =>
        roots = new StorageRoots(RootsOf(options.Value), env.ContentRootPath);

    /// <summary>HiFiC:Web:Roots, or "data" under the content root when none is configured.</summary>
    public static IReadOnlyList<string> RootsOf(WebOptions options) =>
        options.Roots.Count > 0 ? options.Roots : ["data"];

    public IReadOnlyList<string> Folders => roots.Folders;

    /// <summary>The location to hand to the cluster (canonical), or an error message for a 400 (without the field's name).</summary>
    public bool TryResolve(string? input, out string location, out string error)
    {
        location = "";
        if (!roots.TryResolve(input, out var resolved, out error)) return false;
        location = resolved.ToString();
        return true;
    }

    /// <summary>Null when the job's source and destination are still inside the roots; else which one is not, and why.</summary>
    public (string Field, string Error)? CheckJob(JobSpec spec)
    {
        if (!roots.TryResolve(spec.Source, out _, out var e1)) return ("source", e1);
        if (!roots.TryResolve(spec.Destination, out _, out var e2)) return ("destination", e2);
        return null;
    }

    /// <summary>A relative image path inside an archive or source, as routing decoded it (once): see <see cref="LocationParser.TryRelativePath"/>.</summary>
    public static bool TryImagePath(string? raw, out string path, out string error) =>
        LocationParser.TryRelativePath(raw, out path, out error);
}
