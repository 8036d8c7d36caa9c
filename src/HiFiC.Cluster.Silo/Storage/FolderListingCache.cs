namespace HiFiC.Cluster.Silo.Storage;

/// <summary>
/// The sorted entries of the folders a paged walk last read, so that the next page of a huge flat
/// folder is a binary search into them instead of listing and sorting the whole folder again (which
/// made listing a folder of n files cost n²/page). A folder's entries are reused while its
/// modification time is unchanged (adding, removing or renaming an entry changes it; a folder
/// changed in the last second is not cached) and for at most <see cref="MaxAge"/>; at most <see cref="MaxFolders"/> folders and
/// <see cref="MaxEntries"/> entries are held, least recently used dropped first.
/// </summary>
public sealed class FolderListingCache
{
    public static readonly FolderListingCache Shared = new();

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(2);
    public const int MaxFolders = 16;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    public const int MaxEntries = 2_000_000;

    private readonly object gate = new();
    private readonly LinkedList<(string Dir, Entry Entry)> order = new();
    private readonly Dictionary<string, LinkedListNode<(string Dir, Entry Entry)>> byDir = new(StringComparer.Ordinal);
    private long entries;

    /// <summary>One folder's listing: names (with '/' after folders) in ordinal order, and where each really leads.</summary>
    public sealed record Listing(string[] Names, string[] Real, bool[] IsFolder);

    private sealed record Entry(DateTime LastWriteUtc, DateTime ReadUtc, Listing Listing);

    /// <summary>The cached listing of <paramref name="dir"/>, or <paramref name="read"/>'s (then cached).</summary>
    public Listing Get(string dir, Func<Listing> read)
    {
        var stamp = Directory.GetLastWriteTimeUtc(dir);
        var now = DateTime.UtcNow;
        lock (gate)
        {
            if (byDir.TryGetValue(dir, out var node) && node.Value.Entry.LastWriteUtc == stamp && now - node.Value.Entry.ReadUtc < MaxAge)
            {
                order.Remove(node);
                order.AddFirst(node);
                return node.Value.Entry.Listing;
            }
        }
        var listing = read();
        lock (gate)
        {
            if (byDir.Remove(dir, out var old)) { order.Remove(old); entries -= old.Value.Entry.Listing.Names.Length; }
            // A folder changed within the last second may change again within the same timestamp
            // tick (file times are coarse): such a listing is not trusted for the next page.
            if (listing.Names.Length <= MaxEntries && now - stamp > Settle)
            {
                byDir[dir] = order.AddFirst((dir, new Entry(stamp, now, listing)));
                entries += listing.Names.Length;
            }
            while (order.Count > MaxFolders || entries > MaxEntries)
            {
                var last = order.Last!;
                order.RemoveLast();
                byDir.Remove(last.Value.Dir);
                entries -= last.Value.Entry.Listing.Names.Length;
            }
        }
        return listing;
    }
}
