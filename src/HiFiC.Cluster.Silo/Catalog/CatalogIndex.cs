using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Catalog;

namespace HiFiC.Cluster.Silo.Catalog;

/// <summary>
/// A snapshot of an archive's manifests in path order, answering the browser's queries. Each order
/// is sorted once per snapshot, and the last search's matches and aggregates are kept, so paging
/// through a large archive costs a page per request, not a sort or a scan (O(n) only when the
/// search or order changes). Used from one grain activation at a time: no locking.
/// </summary>
public sealed class CatalogIndex
{
    private readonly CatalogEntry[] entries;
    private readonly Dictionary<string, (long ManifestSize, CatalogEntry Entry)> byPath;
    private readonly Dictionary<(CatalogSort, bool), int[]> orders = [];
    private (string Search, CatalogSort Sort, bool Reverse, int[] Matches)? lastMatches;
    private (string Search, CatalogTotals Totals, QualityHistogram? Psnr, QualityHistogram? MsSsim)? lastAggregates;

    public static CatalogIndex Empty { get; } = new([]);

    /// <param name="items">Entries with the size of the manifest they were read from (reused by the next refresh when it is unchanged).</param>
    public CatalogIndex(IReadOnlyList<(long ManifestSize, CatalogEntry Entry)> items)
    {
        entries = items.Select(i => i.Entry).OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();
        byPath = new Dictionary<string, (long, CatalogEntry)>(items.Count, StringComparer.Ordinal);
        foreach (var i in items) byPath[i.Entry.Path] = i;
    }

    public int Count => entries.Length;

    /// <summary>The entry indexed for <paramref name="path"/> when its manifest had <paramref name="manifestSize"/> bytes.</summary>
    public CatalogEntry? Reuse(string path, long manifestSize) =>
        byPath.TryGetValue(path, out var known) && known.ManifestSize == manifestSize ? known.Entry : null;

    public static CatalogEntry EntryOf(ArchiveManifest m) => new(
        m.SourcePath, m.SourceSize, m.OutputSize, m.Width, m.Height, m.Bpp,
        Finite(m.Psnr), Finite(m.MsSsim), Finite(m.WorstTilePsnr), Finite(m.WorstTileMsSsim),
        m.Verified, m.IsOriginal, m.KeptReason, m.ModelId, m.Rate, m.RefineSteps, m.Effort, m.Tiles);

    // A lossless tile gives PSNR = +inf; it sorts and bins as "best", but JSON has no infinity.
    private static double? Finite(double? v) => v is { } d && double.IsPositiveInfinity(d) ? 100 : v is { } x && double.IsFinite(x) ? x : null;

    public (IReadOnlyList<CatalogEntry> Items, long Matches, CatalogTotals Totals, QualityHistogram? Psnr, QualityHistogram? MsSsim) Query(CatalogQuery query)
    {
        var search = query.Search?.Trim() ?? "";
        var matches = Matches(search, query.Sort, query.Reverse);
        var (totals, psnr, msssim) = Aggregates(search, matches);
        long skip = (long)(query.Page - 1) * query.PageSize;
        var items = skip >= matches.Length ? []
            : matches.Skip((int)skip).Take(query.PageSize).Select(i => entries[i]).ToList();
        return (items, matches.Length, totals, psnr, msssim);
    }

    private int[] Matches(string search, CatalogSort sort, bool reverse)
    {
        if (lastMatches is { } m && m.Search == search && m.Sort == sort && m.Reverse == reverse) return m.Matches;
        var order = Order(sort, reverse);
        var found = search.Length == 0 ? order
            : order.Where(i => entries[i].Path.Contains(search, StringComparison.OrdinalIgnoreCase)).ToArray();
        lastMatches = (search, sort, reverse, found);
        return found;
    }

    private (CatalogTotals, QualityHistogram?, QualityHistogram?) Aggregates(string search, int[] matches)
    {
        // Totals depend on which entries match, not on their order: kept across sorts and pages.
        if (lastAggregates is { } a && a.Search == search) return (a.Totals, a.Psnr, a.MsSsim);
        long before = 0, after = 0, kept = 0, pixels = 0;
        var psnr = new List<double>(); var msssim = new List<double>();
        foreach (var i in matches)
        {
            var e = entries[i];
            before += e.SourceSize; after += e.OutputSize; pixels += (long)e.Width * e.Height;
            if (e.KeptOriginal) kept++;
            if (e.Psnr is { } p) psnr.Add(p);
            if (e.MsSsim is { } s) msssim.Add(s);
        }
        var totals = new CatalogTotals(matches.Length, before, after, kept, psnr.Count,
            psnr.Count > 0 ? psnr.Average() : null, msssim.Count > 0 ? msssim.Average() : null, pixels);
        var result = (totals, QualityHistogram.Of("psnr", psnr), QualityHistogram.Of("msssim", msssim));
        lastAggregates = (search, result.totals, result.Item2, result.Item3);
        return result;
    }

    private int[] Order(CatalogSort sort, bool reverse)
    {
        if (orders.TryGetValue((sort, reverse), out var cached)) return cached;
        Func<CatalogEntry, int, double?> key = sort switch
        {
            CatalogSort.Psnr => (e, _) => e.Psnr,
            CatalogSort.MsSsim => (e, _) => e.MsSsim,
            CatalogSort.Bpp => (e, _) => -e.Bpp,
            CatalogSort.Size => (e, _) => -e.OutputSize,
            CatalogSort.Savings => (e, _) => -e.Saved,
            CatalogSort.Ratio => (e, _) => -e.Ratio,
            _ => (_, i) => i,
        };
        int sign = reverse ? -1 : 1;
        // (key, position) pairs sorted as plain values: missing values become +∞ (last in both
        // directions), ties stay in path order (the entries are in path order). A million entries sort in about a second.
        var keyed = new (double Key, int Index)[entries.Length];
        for (int i = 0; i < entries.Length; i++)
            keyed[i] = (key(entries[i], i) is { } v ? sign * v : double.PositiveInfinity, i);
        Array.Sort(keyed);
        var idx = new int[keyed.Length];
        for (int i = 0; i < keyed.Length; i++) idx[i] = keyed[i].Index;
        orders[(sort, reverse)] = idx;
        return idx;
    }
}
