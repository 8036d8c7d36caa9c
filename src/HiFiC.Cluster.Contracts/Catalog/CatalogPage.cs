namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>A page of the archive browser.</summary>
/// <param name="Matches">Entries matching the search (all pages); <see cref="Totals"/> and the histograms are over them.</param>
/// <param name="Indexed">Entries in the index (the whole archive, or what is indexed so far while <see cref="Indexing"/>).</param>
/// <param name="Indexing">The index is being built or refreshed; the page shows the last complete index, or the first one so far.</param>
/// <param name="Truncated">The archive holds more than the index's capacity; entries beyond it (in path order) are not listed.</param>
/// <param name="Unreadable">Manifests that could not be parsed (skipped).</param>
[GenerateSerializer, Immutable, Alias("hific.CatalogPage.v1")]
public sealed record CatalogPage(
    [property: Id(0)] IReadOnlyList<CatalogEntry> Items,
    [property: Id(1)] int Page,
    [property: Id(2)] int PageSize,
    [property: Id(3)] long Matches,
    [property: Id(4)] CatalogTotals Totals,
    [property: Id(5)] QualityHistogram? PsnrHistogram,
    [property: Id(6)] QualityHistogram? MsSsimHistogram,
    [property: Id(7)] long Indexed,
    [property: Id(8)] bool Indexing,
    [property: Id(9)] bool Truncated,
    [property: Id(10)] long Unreadable,
    [property: Id(11)] DateTime? IndexedUtc);
