using HiFiC.Cluster.Silo.Storage.Locations;

namespace HiFiC.Cluster.Silo.Storage;

/// <summary>
/// A folder as a blob container (the embedded default). Paging walks the tree in the ordinal
/// order of full '/'-joined paths and resumes after a cursor without listing what lies before it:
/// memory is bounded by one folder's entries, however large the tree. Hidden entries (names
/// starting with '.') are not listed: they hold tool state, not photos. Symbolic links are followed
/// only where they really lead inside the root (a link out of it, or back up into a folder being
/// walked, is skipped), and every read or write is refused whose real target leaves the root.
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore, Locks.ILockableStore
{
    private readonly string root;
    private readonly bool writable;
    private readonly FolderListingCache? cache;

    /// <param name="cache">Folder listings kept between pages (null: every page lists and sorts each folder on the cursor's path again, as before issue 22).</param>
    public LocalFolderBlobStore(string root, bool writable, FolderListingCache? cache)
    {
        // "dst" and "dst/" are one folder: without the trailing separator, FullPath's containment check holds for both.
        this.root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        this.writable = writable;
        this.cache = cache;
        Location = root;
    }

    public LocalFolderBlobStore(string root, bool writable) : this(root, writable, FolderListingCache.Shared) { }

    public string Location { get; }
    public string Root => root;

    public Task<BlobPage> ListAsync(string? cursor, int pageSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Source folder not found: {root}");
        // File-system calls block: keep them off the caller's thread (an Orleans scheduler thread).
        return Task.Run(() =>
        {
            var items = new List<BlobInfo>(pageSize + 1);
            // One past the page tells whether this page is the last, so a caller never needs an
            // extra (empty) call to learn that the listing is over.
            foreach (var info in Walk("", cursor))
            {
                ct.ThrowIfCancellationRequested();
                items.Add(info);
                if (items.Count > pageSize) break;
            }
            if (items.Count <= pageSize) return new BlobPage(items, null);
            items.RemoveAt(pageSize);
            return new BlobPage(items, items[^1].Path);
        }, ct);
    }

    /// <summary>Walks the real folder, so every folder on the way is known by its real path and a link back to one is seen as such.</summary>
    private IEnumerable<BlobInfo> Walk(string prefix, string? cursor)
    {
        var realRoot = RealRoot();
        return Walk(realRoot, prefix, cursor, realRoot, [realRoot]);
    }

    private IEnumerable<BlobInfo> Walk(string dir, string prefix, string? cursor, string realRoot, HashSet<string> walking)
    {
        var listing = cache is null ? Read(dir, realRoot) : cache.Get(dir, () => Read(dir, realRoot));
        // Resume at the cursor's entry in this folder (binary search): everything sorted before it
        // lies wholly before the cursor, so a page costs its own length, not the folder's.
        int start = 0;
        if (cursor is not null && cursor.StartsWith(prefix, StringComparison.Ordinal))
        {
            var rest = cursor[prefix.Length..];
            int slash = rest.IndexOf('/');
            var at = slash < 0 ? rest : rest[..(slash + 1)];
            start = Array.BinarySearch(listing.Names, at, StringComparer.Ordinal);
            if (start < 0) start = ~start;
        }
        for (int i = start; i < listing.Names.Length; i++)
        {
            var key = prefix + listing.Names[i];
            var real = listing.Real[i];
            if (listing.IsFolder[i])
            {
                // Every path inside starts with key; skip the folder when the cursor lies past all of them.
                if (cursor is not null && string.CompareOrdinal(cursor, key) > 0 && !cursor.StartsWith(key, StringComparison.Ordinal))
                    continue;
                // A link back to a folder being walked would loop: walked once, not again.
                if (!walking.Add(real)) continue;
                try
                {
                    foreach (var inner in Walk(real, key, cursor, realRoot, walking)) yield return inner;
                }
                finally { walking.Remove(real); }
            }
            else if (cursor is null || string.CompareOrdinal(key, cursor) > 0)
            {
                long size;
                try { size = new FileInfo(real).Length; }
                catch (FileNotFoundException) { continue; }
                yield return new BlobInfo(key, size);
            }
        }
    }

    /// <summary>One folder's visible entries in walk order: a folder sorts as "name/", so walk order equals ordinal order of full paths ("a.png" &lt; "a/b.png" because '.' &lt; '/').</summary>
    private static FolderListingCache.Listing Read(string dir, string realRoot)
    {
        var entries = new DirectoryInfo(dir).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.'))
            .Select(e => Follow(e, realRoot))
            .Where(e => e.Real is not null)
            .Select(e => (Real: e.Real!, e.IsFolder, Name: e.Name + (e.IsFolder ? "/" : "")))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        return new FolderListingCache.Listing(entries.Select(e => e.Name).ToArray(), entries.Select(e => e.Real).ToArray(), entries.Select(e => e.IsFolder).ToArray());
    }

    /// <summary>Where an entry leads: itself, or for a link its real target; null (skipped) for a link that leaves the root, dangles or loops.</summary>
    private static (string Name, string? Real, bool IsFolder) Follow(FileSystemInfo entry, string realRoot)
    {
        if (entry.LinkTarget is null) return (entry.Name, entry.FullName, entry is DirectoryInfo);
        string real;
        try { real = RealPath.Resolve(entry.FullName); }
        catch (IOException) { return (entry.Name, null, false); }
        if (!RealPath.IsWithin(real, realRoot, allowSelf: true)) return (entry.Name, null, false);
        if (Directory.Exists(real)) return (entry.Name, real, true);
        return File.Exists(real) ? (entry.Name, real, false) : (entry.Name, null, false);
    }

    private string RealRoot() => RealPath.Resolve(root);

    public Task<Stream> OpenReadAsync(string path, CancellationToken ct) =>
        Task.FromResult<Stream>(new FileStream(FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));

    public async Task<byte[]?> TryReadAllAsync(string path, CancellationToken ct)
    {
        var full = FullPath(path);
        try { return await File.ReadAllBytesAsync(full, ct); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Write aside then rename: a worker killed mid-write leaves a stray temp file, never a
        // truncated .hific that a later skip-existing pass would take for a finished one.
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await f.WriteAsync(data, ct);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    public Task DeleteAsync(string path, CancellationToken ct)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        File.Delete(FullPath(path));
        return Task.CompletedTask;
    }

    public Locks.ILockFile OpenLockFile(string path)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        return new Locks.FolderLockFile(FullPath(path));
    }

    /// <summary>The real path of a blob: refused when it, or any link on the way, leads out of the root.</summary>
    private string FullPath(string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, BlobPaths.Normalize(path)));
        if (!RealPath.IsWithin(full, root, allowSelf: false))
            throw new ArgumentException($"'{path}' escapes {root}.");
        string real, realRoot = RealRoot();
        try { real = RealPath.Resolve(full); }
        catch (IOException) { throw new UnauthorizedAccessException($"'{path}' passes through a symbolic link loop."); }
        if (!RealPath.IsWithin(real, realRoot, allowSelf: false))
            throw new UnauthorizedAccessException($"'{path}' leads out of the store through a symbolic link.");
        return real;
    }
}
