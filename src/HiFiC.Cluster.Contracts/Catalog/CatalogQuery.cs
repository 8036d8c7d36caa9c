namespace HiFiC.Cluster.Contracts.Catalog;

/// <summary>A page of the archive browser: <see cref="Page"/> counts from 1; <see cref="Search"/> is a case-insensitive path substring.</summary>
[GenerateSerializer, Immutable, Alias("hific.CatalogQuery.v1")]
public sealed record CatalogQuery(
    [property: Id(0)] int Page = 1,
    [property: Id(1)] int PageSize = CatalogQuery.DefaultPageSize,
    [property: Id(2)] string? Search = null,
    [property: Id(3)] CatalogSort Sort = CatalogSort.Path,
    [property: Id(4)] bool Reverse = false)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    /// <summary>Pages beyond the index's capacity cannot hold anything; refusing them keeps page × size inside an int.</summary>
    public const int MaxPage = 1_000_000;
    public const int MaxSearchLength = 200;

    /// <summary>The rule every front end and the grain apply: (field, message) for each problem; empty when the query is valid.</summary>
    public static IEnumerable<(string Field, string Message)> Check(CatalogQuery q)
    {
        if (q.Page is < 1 or > MaxPage) yield return ("page", $"must be 1 to {MaxPage}");
        if (q.PageSize is < 1 or > MaxPageSize) yield return ("pageSize", $"must be 1 to {MaxPageSize}");
        if (q.Search is { } s && (s.Length > MaxSearchLength || s.Any(char.IsControl)))
            yield return ("q", $"must be at most {MaxSearchLength} characters, without control characters");
        if (!Enum.IsDefined(q.Sort)) yield return ("sort", "unknown order");
    }
}
