using System.Diagnostics;
using System.Text.Json;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Catalog;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Silo.Catalog;

/// <summary>
/// Holds a <see cref="CatalogIndex"/> of one job's destination in memory (issue 19 item 5). The
/// first query lists the destination and reads every manifest (a few at a time); later queries
/// are answered from memory. A refresh runs in the background when the job's counters changed
/// since the last one (at most every <see cref="MinRefresh"/>) or the index is older than
/// <see cref="MaxAge"/> (something else may write there); it re-lists but reads only manifests
/// that are new or changed size. A query waits at most <see cref="QueryWait"/> for a build, so a
/// huge first index never runs into the call's timeout: the caller sees Indexing and asks again.
/// </summary>
public sealed class ArchiveCatalogGrain(IBlobStoreFactory blobs, ILogger<ArchiveCatalogGrain> logger) : Grain, IArchiveCatalogGrain
{
    /// <summary>Entries indexed at most (about 200 bytes each in memory).</summary>
    public const int Capacity = 1_000_000;
    public static readonly TimeSpan MinRefresh = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan QueryWait = TimeSpan.FromSeconds(5);
    /// <summary>How often a first build publishes what it has so far (each publication copies and sorts the entries).</summary>
    private static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(3);
    private const int ListPage = 1000;
    private const int ParallelReads = 16;

    private CatalogIndex? index;
    private DateTime? indexedUtc;
    private string? indexedPrint;
    private bool truncated;
    private long unreadable;
    private Task? building;
    private string? buildError;

    public async Task<CatalogPage> QueryAsync(CatalogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (CatalogQuery.Check(query).FirstOrDefault() is { Field: not null } bad)
            throw new ArgumentException($"{bad.Field} {bad.Message}") { Data = { ["field"] = bad.Field } };

        var status = await GrainFactory.GetGrain<IArchiveJobGrain>(this.GetPrimaryKeyString()).GetStatusAsync();
        if (status.Spec is null)
            return Page(CatalogIndex.Empty, query, indexing: false);

        // What the index should reflect: the destination and the job's progress through it.
        var print = $"{status.Spec.Destination}|{status.Phase}|{status.Done}|{status.KeptOriginal}|{status.Finished}";
        var age = indexedUtc is { } t ? DateTime.UtcNow - t : TimeSpan.MaxValue;
        if (building is null && (index is null || (print != indexedPrint && age >= MinRefresh) || age >= MaxAge))
        {
            // A build that ends before its first await (a listing that fails at once, a refresh whose listing was
            // already done) has run its finally (building = null) before this assignment: keep only a running one,
            // or the catalog would answer "indexing" forever and never build again.
            var build = BuildAsync(status.Spec.Destination, print);
            if (!build.IsCompleted) building = build;
        }
        if (building is { IsCompleted: false })
            await Task.WhenAny(building, Task.Delay(QueryWait));

        if (index is null)
        {
            if (buildError is not null && building is null) throw new CatalogUnavailableException(buildError);
            return Page(CatalogIndex.Empty, query, indexing: true);
        }
        return Page(index, query, indexing: building is not null);
    }

    private CatalogPage Page(CatalogIndex from, CatalogQuery query, bool indexing)
    {
        var (items, matches, totals, psnr, msssim) = from.Query(query);
        return new CatalogPage(items, query.Page, query.PageSize, matches, totals, psnr, msssim,
            from.Count, indexing, truncated, unreadable, indexedUtc);
    }

    /// <summary>Runs on the activation's scheduler (started from a grain call), so it may set the fields directly.</summary>
    private async Task BuildAsync(string destination, string print)
    {
        var clock = Stopwatch.StartNew();
        var previous = index;
        var found = new List<(long, CatalogEntry)>();
        long bad = 0, read = 0;
        bool full = false;
        var published = Stopwatch.StartNew();
        try
        {
            var archive = blobs.OpenSource(destination);
            using var gate = new SemaphoreSlim(ParallelReads);
            string? cursor = null;
            do
            {
                var page = await archive.ListAsync(cursor, ListPage, CancellationToken.None);
                cursor = page.Cursor;
                var manifests = page.Items.Where(b => ArchiveNaming.IsManifest(b.Path) && !b.Path.Split('/').Any(s => s.StartsWith('.'))).ToList();
                var entries = await Task.WhenAll(manifests.Select(async b =>
                {
                    var path = ArchiveNaming.SourceOfManifest(b.Path);
                    if (previous?.Reuse(path, b.Size) is { } known) return (b.Size, known);
                    await gate.WaitAsync();
                    try
                    {
                        read++;
                        var json = await archive.TryReadAllAsync(b.Path, CancellationToken.None);
                        if (json is null) return (b.Size, null); // removed since the listing
                        var m = ArchiveManifest.FromJson(json);
                        // A manifest names its own source path; one that names another is not this entry's.
                        if (m.SourcePath != path) { bad++; return (b.Size, null); }
                        return (b.Size, CatalogIndex.EntryOf(m));
                    }
                    catch (JsonException) { bad++; return (b.Size, (CatalogEntry?)null); }
                    finally { gate.Release(); }
                }));
                foreach (var (size, entry) in entries)
                {
                    if (entry is null) continue;
                    if (found.Count >= Capacity) { full = true; break; }
                    found.Add((size, entry));
                }
                // The first build shows what it has so far; a refresh keeps showing the complete previous index.
                if (previous is null && cursor is not null && published.Elapsed >= PublishEvery)
                {
                    index = new CatalogIndex(found);
                    published.Restart();
                }
            } while (cursor is not null && !full);

            index = new CatalogIndex(found);
            indexedUtc = DateTime.UtcNow;
            indexedPrint = print;
            truncated = full;
            unreadable = bad;
            buildError = null;
            logger.LogInformation("Catalog of job {Job}: {Entries} entries ({Read} manifests read, {Bad} unreadable) in {Ms} ms",
                this.GetPrimaryKeyString(), found.Count, read, bad, clock.ElapsedMilliseconds);
        }
        catch (Exception e)
        {
            // Storage errors carry locations and sometimes credentials: the caller gets a plain message, the log the detail.
            logger.LogWarning(e, "Catalog of job {Job}: the destination could not be indexed", this.GetPrimaryKeyString());
            buildError = "the archive could not be listed or read; try again later";
            if (previous is null) index = null;
            // Not retried on every query: the next attempt waits like a refresh.
            indexedUtc = DateTime.UtcNow;
        }
        finally
        {
            building = null;
        }
    }
}
