using System.Diagnostics;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Catalog;
using HiFiC.Cluster.Silo.Catalog;
using Xunit.Abstractions;

namespace HiFiC.Cluster.Tests.Catalog;

/// <summary>The archive browser's in-memory index (issue 19 item 5): pages, orders, searches and aggregates over many entries.</summary>
public sealed class CatalogIndexTests(ITestOutputHelper output)
{
    private static CatalogEntry Entry(int i, double? psnr, long source = 10_000, long output = 1_000) =>
        new($"folder{i % 7}/img{i:D6}.png", source, output, 64, 64, output * 8.0 / 4096, psnr, psnr is null ? null : 0.9, null, null,
            psnr is not null, psnr is null, psnr is null ? "larger" : null, "m", 1, 0, null, 1);

    private static CatalogIndex IndexOf(IEnumerable<CatalogEntry> entries) => new(entries.Select(e => (100L, e)).ToList());

    [Fact]
    public void Pages_of_a_sorted_index_hold_every_entry_once_worst_first_with_missing_values_last()
    {
        const int n = 50_000;
        var rng = new Random(1);
        // Every tenth entry without a PSNR (kept originals); shuffled so the index has to sort.
        var entries = Enumerable.Range(0, n).Select(i => Entry(i, i % 10 == 0 ? null : Math.Round(20 + 20 * rng.NextDouble(), 1),
            source: 5_000 + rng.Next(50_000), output: 500 + rng.Next(5_000))).OrderBy(_ => rng.Next()).ToList();
        var index = IndexOf(entries);

        var clock = Stopwatch.StartNew();
        var first = index.Query(new CatalogQuery(1, 200, Sort: CatalogSort.Psnr));
        var firstMs = clock.Elapsed.TotalMilliseconds;
        var seen = new List<CatalogEntry>(first.Items);
        clock.Restart();
        for (int p = 2; p <= n / 200; p++) seen.AddRange(index.Query(new CatalogQuery(p, 200, Sort: CatalogSort.Psnr)).Items);
        output.WriteLine($"{n} entries: first page (sorts) {firstMs:F1} ms, the other {n / 200 - 1} pages {clock.Elapsed.TotalMilliseconds / (n / 200 - 1):F3} ms each");

        Assert.Equal(n, first.Matches);
        Assert.Equal(n, seen.Select(e => e.Path).Distinct().Count());
        var known = seen.TakeWhile(e => e.Psnr is not null).ToList();
        Assert.Equal(n - n / 10, known.Count);
        Assert.All(seen.Skip(known.Count), e => Assert.Null(e.Psnr));
        for (int i = 1; i < known.Count; i++)
        {
            // Worst first; equal values in path order, so pages never overlap or skip.
            Assert.True(known[i - 1].Psnr < known[i].Psnr || (known[i - 1].Psnr == known[i].Psnr && string.CompareOrdinal(known[i - 1].Path, known[i].Path) < 0),
                $"{known[i - 1]} before {known[i]}");
        }
        Assert.Empty(index.Query(new CatalogQuery(n / 200 + 1, 200, Sort: CatalogSort.Psnr)).Items);

        // Reversed: best first, the missing still last.
        var best = index.Query(new CatalogQuery(1, 200, Sort: CatalogSort.Psnr, Reverse: true)).Items;
        Assert.Equal(known[^1].Psnr, best[0].Psnr);
        clock.Restart();
        var savings = index.Query(new CatalogQuery(1, 200, Sort: CatalogSort.Savings)).Items;
        output.WriteLine($"a second order: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(entries.Max(e => e.Saved), savings[0].Saved);
        Assert.Equal(savings.Select(e => e.Saved).OrderDescending(), savings.Select(e => e.Saved));
    }

    [Fact]
    public void Search_totals_and_histograms_cover_the_matches()
    {
        var entries = Enumerable.Range(0, 700).Select(i => Entry(i, i % 10 == 0 ? null : 20 + i % 20)).ToList();
        var index = IndexOf(entries);
        var r = index.Query(new CatalogQuery(1, 10, Search: "FOLDER3/"));
        var expected = entries.Where(e => e.Path.StartsWith("folder3/")).ToList();
        Assert.Equal(expected.Count, r.Matches);
        Assert.All(r.Items, e => Assert.StartsWith("folder3/", e.Path));
        Assert.Equal(expected.Sum(e => e.SourceSize), r.Totals.BytesBefore);
        Assert.Equal(expected.Sum(e => e.OutputSize), r.Totals.BytesAfter);
        Assert.Equal(expected.Count(e => e.KeptOriginal), r.Totals.KeptOriginals);
        Assert.Equal(expected.Count(e => e.Psnr is not null), r.Totals.Measured);
        Assert.Equal(r.Totals.Measured, r.Psnr!.Counts.Sum());
        Assert.Equal(expected.Where(e => e.Psnr is not null).Average(e => e.Psnr!.Value), r.Totals.MeanPsnr!.Value, 9);
        // The lowest value lands in the first bin, the highest in the last.
        Assert.True(r.Psnr.Counts[0] > 0 && r.Psnr.Counts[^1] > 0);
        Assert.Equal(0, index.Query(new CatalogQuery(Search: "nothing")).Matches);
        Assert.Null(index.Query(new CatalogQuery(Search: "nothing")).Psnr);
    }

    [Fact]
    public void Manifests_become_entries_and_unchanged_ones_are_reused()
    {
        var m = new ArchiveManifest
        {
            SourcePath = "a/b.png", SourceSize = 1000, SourceSha256 = "00", Output = "a/b.png.hific", OutputSize = 100, OutputSha256 = "11",
            ModelId = "lite", ModelDigest = "dd", Rate = 1, TileSize = 256, Width = 10, Height = 20, Tiles = 1, Bpp = 4, LatentHash = "h",
            Verified = true, Psnr = double.PositiveInfinity, MsSsim = 1, Effort = "fast",
        };
        var e = CatalogIndex.EntryOf(m);
        // A lossless image's infinite PSNR is shown (and sorted) as 100 dB: JSON has no infinity.
        Assert.Equal(100, e.Psnr);
        Assert.Equal(900, e.Saved);
        Assert.Equal(10, e.Ratio);
        var index = new CatalogIndex([(321L, e)]);
        Assert.Same(e, index.Reuse("a/b.png", 321));
        Assert.Null(index.Reuse("a/b.png", 322));
        Assert.Null(index.Reuse("a/c.png", 321));
    }

    [Fact]
    public void Queries_outside_the_bounds_are_named()
    {
        Assert.Empty(CatalogQuery.Check(new CatalogQuery()));
        Assert.Equal(["page"], CatalogQuery.Check(new CatalogQuery(Page: 0)).Select(e => e.Field));
        Assert.Equal(["pageSize"], CatalogQuery.Check(new CatalogQuery(PageSize: CatalogQuery.MaxPageSize + 1)).Select(e => e.Field));
        Assert.Equal(["q"], CatalogQuery.Check(new CatalogQuery(Search: "a\u0000")).Select(e => e.Field));
        Assert.Equal(["sort"], CatalogQuery.Check(new CatalogQuery(Sort: (CatalogSort)99)).Select(e => e.Field));
        // The largest page of the largest size stays inside the index's arithmetic.
        var last = IndexOf([Entry(1, 30)]).Query(new CatalogQuery(CatalogQuery.MaxPage, CatalogQuery.MaxPageSize));
        Assert.Empty(last.Items);
    }
}
