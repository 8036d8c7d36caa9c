using System.Globalization;
using System.Text.RegularExpressions;
using HiFiC.Cluster.Contracts.Catalog;
using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Web.Api;

/// <summary>
/// GET /api/jobs/{id}/entries: the archive browser's pages (issue 19 item 5). The archive is read
/// by the job's <see cref="IArchiveCatalogGrain"/>, never by the web host; parameters are taken as
/// text and checked here so that every bad value is a 400 naming its field.
/// </summary>
public static partial class ArchiveCatalogApi
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")] private static partial Regex JobId();

    /// <summary>The names ?sort= takes (a leading '-' reverses the natural direction).</summary>
    public static readonly IReadOnlyDictionary<string, CatalogSort> Sorts = new Dictionary<string, CatalogSort>(StringComparer.OrdinalIgnoreCase)
    {
        ["path"] = CatalogSort.Path, ["psnr"] = CatalogSort.Psnr, ["msssim"] = CatalogSort.MsSsim, ["bpp"] = CatalogSort.Bpp,
        ["size"] = CatalogSort.Size, ["savings"] = CatalogSort.Savings, ["ratio"] = CatalogSort.Ratio,
    };

    /// <summary>Maps the browser's endpoint on the keyed group (entry paths are as private as the images).</summary>
    public static void MapArchiveCatalogApi(this RouteGroupBuilder keyed) =>
        keyed.MapGet("/jobs/{id}/entries", ListEntries).WithName("ListArchiveEntries");

    /// <param name="page">1-based page, up to 1,000,000 (default 1).</param>
    /// <param name="pageSize">Entries per page, 1-200 (default 50).</param>
    /// <param name="q">Case-insensitive substring of the path, up to 200 characters.</param>
    /// <param name="sort">path (default), psnr, msssim (worst first), bpp, size, savings, ratio (largest first); '-' before a name reverses it.</param>
    internal static async Task<IResult> ListEntries(string id, string? page, string? pageSize, string? q, string? sort,
        IGrainFactory grains, LocationPolicy locations, ILoggerFactory logs)
    {
        var errors = new Dictionary<string, string[]>();
        if (!JobId().IsMatch(id)) errors["id"] = ["not a job id"];
        int p = 1, size = CatalogQuery.DefaultPageSize;
        if (page is not null && !int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out p)) p = -1;
        if (pageSize is not null && !int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size)) size = -1;
        var order = CatalogSort.Path;
        bool reverse = false;
        if (!string.IsNullOrEmpty(sort))
        {
            reverse = sort.StartsWith('-');
            if (!Sorts.TryGetValue(reverse ? sort[1..] : sort, out order))
                errors["sort"] = [$"must be one of {string.Join(", ", Sorts.Keys)}, optionally with a leading '-'"];
        }
        var query = new CatalogQuery(p, size, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), order, reverse);
        foreach (var (field, message) in CatalogQuery.Check(query))
            errors.TryAdd(field, [message]);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid request");

        var status = await grains.GetGrain<IArchiveJobGrain>(id).GetStatusAsync();
        if (status.Spec is null) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No job '{id}'.");
        // Like every read of a job: one whose locations left the roots is not served.
        if (locations.CheckJob(status.Spec) is { } refused)
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"The job's {refused.Field} {refused.Error}.");
        try
        {
            return Results.Ok(await grains.GetGrain<IArchiveCatalogGrain>(id).QueryAsync(query));
        }
        catch (CatalogUnavailableException e)
        {
            logs.CreateLogger("HiFiC.Api").LogWarning("Entries of job {Id}: {Reason}", id, e.Message);
            return Results.Problem(statusCode: 503, title: "Archive unavailable", detail: e.Message);
        }
    }
}
