using System.Text.RegularExpressions;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Locations;

namespace HiFiC.Cluster.Web.Api;

/// <summary>
/// POST /api/jobs/restore: a restore job (issue 19 item 4), a job of kind restore that the silos
/// run like an archive job; status, failures, pause, resume and cancel are the jobs' endpoints.
/// </summary>
public static partial class RestoreJobApi
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")] private static partial Regex JobId();

    public static void MapRestoreJobApi(this IEndpointRouteBuilder app)
    {
        var keyed = app.MapGroup("/api").AddEndpointFilter(new ApiKeyFilter(AccessLevel.Protected)).WithTags("control");
        keyed.MapPost("/jobs/restore", CreateRestoreJob).WithName("CreateRestoreJob");
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request");

    internal static async Task<IResult> CreateRestoreJob(RestoreJobRequest? request, IGrainFactory grains, LocationPolicy locations, ILoggerFactory logs)
    {
        if (request is null) return Invalid("body", "a JSON restore job request is required");
        var errors = new Dictionary<string, string[]>();
        void Err(string f, string m) => errors.TryAdd(f, [m]);

        var id = request.Id ?? $"restore-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        if (!JobId().IsMatch(id)) Err("id", "must be 1-100 characters of A-Z a-z 0-9 . _ -");
        string archive = "";
        if (request.Job is { } from)
        {
            // The archive a job wrote, looked up by its id (the job's locations are checked against the roots again).
            if (request.Archive is not null) Err("archive", "give archive or job, not both");
            else if (!JobId().IsMatch(from)) Err("job", "not a job id");
            else
            {
                var status = await grains.GetGrain<IArchiveJobGrain>(from).GetStatusAsync();
                if (status.Spec is null || status.Spec.IsRestore()) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No archive job '{from}'.");
                if (locations.CheckJob(status.Spec) is { } refused) return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"The job's {refused.Field} {refused.Error}.");
                archive = status.Spec.Destination;
            }
        }
        else if (!locations.TryResolve(request.Archive, out archive, out var e1)) Err("archive", "archive " + e1 + " (or give job)");
        if (!locations.TryResolve(request.Destination, out var destination, out var e2)) Err("destination", "destination " + e2);
        var folder = request.Folder;
        if (folder is not null)
        {
            // The same rules as image paths (one decoding, no '..', no encoded separators); the validator repeats the basic ones.
            if (LocationParser.TryRelativePath(folder.TrimEnd('/'), out var clean, out var e3)) folder = clean;
            else Err("folder", "folder " + e3);
        }
        var spec = new JobSpec
        {
            Kind = JobKind.Restore, Source = archive, Destination = destination ?? "", Folder = folder,
            Format = string.IsNullOrWhiteSpace(request.Format) ? null : request.Format.Trim().ToLowerInvariant(),
            Quality = request.Quality, Overwrite = request.Overwrite ?? false,
            MaxAttempts = request.MaxAttempts ?? JobSpec.DefaultMaxAttempts, SkipExisting = false,
        };
        foreach (var e in JobSpecValidator.Check(spec)) Err(e.Field, e.Message);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid restore job");

        var job = grains.GetGrain<IArchiveJobGrain>(id);
        var existing = await job.GetStatusAsync();
        if (existing.Spec is not null && existing.Spec != spec)
            return Results.Problem(statusCode: 409, title: "Job exists", detail: $"A job '{id}' already exists with a different spec.");
        JobStatus started;
        try
        {
            started = await job.StartAsync(spec);
        }
        catch (InvalidOperationException e) when (e.Data[JobSpecValidator.FieldKey] is "destination")
        {
            return Results.Problem(statusCode: 409, title: "Destination busy", detail: e.Message);
        }
        catch (ArgumentException e) when (e.Data[LocationRefusedException.FieldKey] is string field)
        {
            return Invalid(field == "source" ? "archive" : field, e.Message);
        }
        catch (ArgumentException e)
        {
            // The silo's own checks (archive folder missing, destination inside the archive).
            logs.CreateLogger("HiFiC.Api").LogInformation("Restore job {Id} refused: {Reason}", id, e.Message);
            return Invalid(e.Data[JobSpecValidator.FieldKey] is string f && f != "source" ? f : "archive", e.Message);
        }
        await grains.GetGrain<IJobIndexGrain>(0).AddAsync(id);
        return Results.Created($"/api/jobs/{id}", JobView.Of(started));
    }
}

/// <summary>POST /api/jobs/restore. Locations follow the job rules: folders under the roots or allowed azblob:// prefixes.</summary>
public sealed record RestoreJobRequest
{
    /// <summary>Optional id ([A-Za-z0-9._-], up to 100); generated when absent.</summary>
    public string? Id { get; init; }
    /// <summary>The archive to restore from. Or <see cref="Job"/>.</summary>
    public string? Archive { get; init; }
    /// <summary>An archive job whose destination is the archive.</summary>
    public string? Job { get; init; }
    /// <summary>Only this folder of the archive (relative); null = all of it.</summary>
    public string? Folder { get; init; }
    /// <summary>Where the restored images go (never inside the archive).</summary>
    public string? Destination { get; init; }
    /// <summary>png (default), jpeg or webp.</summary>
    public string? Format { get; init; }
    /// <summary>1-100 for jpeg and webp.</summary>
    public int? Quality { get; init; }
    /// <summary>Replace images already in the destination (default false: they are left and counted as skipped).</summary>
    public bool? Overwrite { get; init; }
    public int? MaxAttempts { get; init; }
}
