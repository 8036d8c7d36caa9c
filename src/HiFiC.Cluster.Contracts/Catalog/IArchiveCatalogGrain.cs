namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>
/// The archive browser's view of one job's destination (key = job id): every manifest there,
/// indexed once and kept in memory, so paging, searching and sorting a large archive costs a page,
/// not a re-read of the archive. The index is refreshed (incrementally: only manifests that are
/// new or changed size are read again) when the job's counters move, and at most every few seconds.
/// </summary>
[Alias("hific.IArchiveCatalogGrain")]
public interface IArchiveCatalogGrain : IGrainWithStringKey
{
    /// <summary>
    /// One page of the entries matching <paramref name="query"/>, with totals and quality histograms
    /// over all matches. While the first index of a large archive is being built the page covers what
    /// is indexed so far (<see cref="CatalogPage.Indexing"/>). Throws <see cref="ArgumentException"/>
    /// for a query outside <see cref="CatalogQuery.Check"/>, and <see cref="CatalogUnavailableException"/>
    /// when the destination cannot be listed and nothing is indexed yet.
    /// </summary>
    [Alias("Query")] Task<CatalogPage> QueryAsync(CatalogQuery query);
}
