namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>
/// The canonical location check: parse (<see cref="LocationParser"/>: decode once, refuse
/// non-canonical forms), make absolute (relative folders under the first folder root), resolve
/// symbolic links, then require both the path as named and the real path it leads to to lie
/// inside a root. The web host checks requests with it and storage checks every location it
/// opens with it (job start, listing, each item, each restore), so a stored job whose folder was
/// swapped for a link out of the roots is refused on its next read.
/// </summary>
public sealed class StorageRoots
{
    private readonly List<string> folders = [];
    private readonly List<AzureBlobLocation> blobs = [];

    /// <param name="roots">Folders and azblob:// prefixes; none = no confinement (the canonical-form check still applies).</param>
    /// <param name="baseFolder">What relative folder roots are relative to.</param>
    public StorageRoots(IEnumerable<string> roots, string baseFolder)
    {
        foreach (var r in roots.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            if (!LocationParser.TryParse(r, out var root, out var error))
                throw new InvalidOperationException($"The storage root '{r}' {error}.");
            if (root.Blob is { } b) blobs.Add(b);
            else folders.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root.Folder!, baseFolder)));
        }
    }

    public static StorageRoots Unconfined { get; } = new([], Directory.GetCurrentDirectory());

    /// <summary>False when no roots are configured: every canonical location is allowed.</summary>
    public bool Confined => folders.Count + blobs.Count > 0;

    /// <summary>The folder roots, absolute, as configured (links not resolved).</summary>
    public IReadOnlyList<string> Folders => folders;

    public bool TryResolve(string? input, out StorageLocation location, out string error)
    {
        try
        {
            location = Resolve(input, "location");
            error = "";
            return true;
        }
        catch (LocationRefusedException e)
        {
            location = null!;
            error = e.Reason;
            return false;
        }
    }

    /// <summary>The canonical location (folders absolute, links not resolved), or <see cref="LocationRefusedException"/> naming <paramref name="field"/>.</summary>
    public StorageLocation Resolve(string? input, string field)
    {
        if (!LocationParser.TryParse(input, out var parsed, out var error)) throw new LocationRefusedException(field, error);
        if (parsed.Blob is { } blob)
        {
            if (Confined && !blobs.Any(r => r.Contains(blob))) throw new LocationRefusedException(field, "is outside the allowed locations");
            return parsed;
        }
        var folder = parsed.Folder!;
        if (!folder.StartsWith('/'))
            folder = Path.Join(folders.Count > 0 ? folders[0] : Directory.GetCurrentDirectory(), folder);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string real;
        try { real = RealPath.Resolve(full); }
        catch (IOException) { throw new LocationRefusedException(field, "passes through a symbolic link loop"); }
        if (Confined)
        {
            if (!folders.Any(r => RealPath.IsWithin(full, r))) throw new LocationRefusedException(field, "is outside the allowed locations");
            if (!folders.Any(r => RealPath.IsWithin(real, RealRoot(r))))
                throw new LocationRefusedException(field, "leads outside the allowed locations through a symbolic link");
        }
        return new StorageLocation { Folder = full };
    }

    private static string RealRoot(string root)
    {
        try { return RealPath.Resolve(root); }
        catch (IOException) { return root; }
    }
}
