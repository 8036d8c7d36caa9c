using System.Text.RegularExpressions;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Control;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Monitoring;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Contracts.Locations;
using HiFiC.Cluster.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Web.Api;

/// <summary>The HTTP API: jobs, cluster view, restore on demand. Inputs are checked here, before any grain is called.</summary>
public static partial class HificApi
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")] private static partial Regex JobId();
    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")] private static partial Regex ModelName();
    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")] private static partial Regex RateName();
    /// <summary>A silo address as the silos report it (SiloAddress.ToString(): "S10.0.0.5:11111:154641916", IPv6 in brackets).</summary>
    [GeneratedRegex(@"^S?[A-Za-z0-9.:\[\]_-]{1,120}$")] private static partial Regex SiloId();

    public static void MapHificApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").AddEndpointFilter(new ApiKeyFilter(AccessLevel.Read)).WithTags("status");
        var keyed = app.MapGroup("/api").AddEndpointFilter(new ApiKeyFilter(AccessLevel.Protected)).WithTags("control");

        keyed.MapPost("/jobs", CreateJob).WithName("CreateJob");
        app.MapRestoreJobApi();
        read.MapGet("/jobs", ListJobs).WithName("ListJobs");
        read.MapGet("/jobs/{id}", GetJob).WithName("GetJob");
        read.MapGet("/jobs/{id}/failures", GetFailures).WithName("GetJobFailures");
        keyed.MapPost("/jobs/{id}/pause", (string id, IGrainFactory g) => Control(id, g, j => j.PauseAsync())).WithName("PauseJob");
        keyed.MapPost("/jobs/{id}/resume", (string id, IGrainFactory g) => Control(id, g, j => j.ResumeAsync())).WithName("ResumeJob");
        keyed.MapPost("/jobs/{id}/cancel", (string id, IGrainFactory g) => Control(id, g, j => j.CancelAsync())).WithName("CancelJob");
        keyed.MapGet("/jobs/{id}/images", ListImages).WithName("ListArchivedImages");
        keyed.MapArchiveCatalogApi();
        read.MapGet("/cluster", GetCluster).WithName("GetCluster");
        read.MapGet("/silos/{silo}", (string silo, IGrainFactory g, ClusterMonitor m, ILoggerFactory l, CancellationToken ct) =>
            SiloControl(silo, g, m, l, c => c.GetAsync(), ct)).WithName("GetSiloControls");
        keyed.MapPost("/silos/{silo}/drain", (string silo, IGrainFactory g, ClusterMonitor m, ILoggerFactory l, CancellationToken ct) =>
            SiloControl(silo, g, m, l, c => c.DrainAsync(), ct)).WithName("DrainSilo");
        keyed.MapPost("/silos/{silo}/undrain", (string silo, IGrainFactory g, ClusterMonitor m, ILoggerFactory l, CancellationToken ct) =>
            SiloControl(silo, g, m, l, c => c.UndrainAsync(), ct)).WithName("UndrainSilo");
        keyed.MapPut("/silos/{silo}/concurrency", SetConcurrency).WithName("SetSiloConcurrency");
        keyed.MapGet("/images/{**path}", RestoreImage).WithName("RestoreImage");
        keyed.MapGet("/originals/{**path}", GetOriginal).WithName("GetOriginal");
    }

    private static IResult Bad(string title, string detail, int status = 400) => Results.Problem(statusCode: status, title: title, detail: detail);

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Invalid request");

    internal static async Task<IResult> CreateJob(JobRequest? request, IGrainFactory grains, LocationPolicy locations, ILoggerFactory logs)
    {
        if (request is null) return Invalid("body", "a JSON job request is required");
        var errors = new Dictionary<string, string[]>();
        void Err(string f, string m) => errors[f] = [m];

        var id = request.Id ?? $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        if (!JobId().IsMatch(id)) Err("id", "must be 1-100 characters of A-Z a-z 0-9 . _ -");
        if (!locations.TryResolve(request.Source, out var source, out var e1)) Err("source", "source " + e1);
        if (!locations.TryResolve(request.Destination, out var destination, out var e2)) Err("destination", "destination " + e2);
        if (request.Model is not null && !ModelName().IsMatch(request.Model)) Err("model", "must be a model id or digest (A-Z a-z 0-9 . _ -)");
        if (request.Rate is not null && request.RateName is not null) Err("rateName", "give rate or rateName, not both");
        if (request.TargetMsSsim is not null && (request.Rate is not null || request.RateName is not null))
            Err("targetMsSsim", "chooses the rate per image: give targetMsSsim or rate/rateName, not both");
        // Without either, the card's default name: the same default as `hific compress` (none with a quality target: it chooses per image).
        var rateName = request.RateName ?? (request.Rate is null && request.TargetMsSsim is null ? JobSpec.DefaultRateName : null);
        KeepOriginalWhen? keepWhen = null;
        if (request.KeepOriginalWhen is { } keepText)
        {
            if (QualityFloor.TryParseWhen(keepText, out var parsed)) keepWhen = parsed;
            else Err("keepOriginalWhen", "must be larger, belowFloor, larger,belowFloor or never");
        }
        // Defaults and rules are the contracts' (JobSpec, JobSpecValidator), shared with the CLI and the coordinator.
        var spec = new JobSpec
        {
            Source = source ?? "", Destination = destination ?? "", Model = request.Model, Rate = request.Rate ?? JobSpec.DefaultRate, RateName = rateName,
            TileSize = request.TileSize ?? JobSpec.DefaultTileSize, Verify = request.Verify ?? false, SkipExisting = request.SkipExisting ?? true,
            MaxAttempts = request.MaxAttempts ?? JobSpec.DefaultMaxAttempts, SplitAbovePixels = request.SplitAbovePixels ?? JobSpec.DefaultSplitAbovePixels,
            RefineSteps = request.RefineSteps ?? 0, Effort = string.IsNullOrWhiteSpace(request.Effort) ? null : request.Effort.Trim().ToLowerInvariant(),
            MinMsSsim = request.MinMsSsim, MinPsnr = request.MinPsnr, KeepOriginalWhen = keepWhen, TargetMsSsim = request.TargetMsSsim,
            Coordinators = request.Coordinators ?? 1,
        };
        foreach (var e in JobSpecValidator.Check(spec))
            if (!errors.ContainsKey(e.Field)) Err(e.Field, e.Message);
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid job");

        var job = grains.GetGrain<IArchiveJobGrain>(id);
        var existing = await job.GetStatusAsync();
        if (existing.Spec is not null && existing.Spec != spec)
            return Bad("Job exists", $"A job '{id}' already exists with a different spec.", 409);
        JobStatus status;
        try
        {
            status = await job.StartAsync(spec);
        }
        catch (ArgumentException e) when (e.Data[JobStartErrors.ModelMissingKey] is true)
        {
            return Invalid("model", request.Model is null ? "the silos have no default model (install one, or name one)" : $"unknown model '{request.Model}'");
        }
        catch (InvalidOperationException e) when (e.Data[JobSpecValidator.FieldKey] is "destination")
        {
            // Another job writes there: a conflict with the cluster's state, not a malformed request.
            return Bad("Destination busy", e.Message, 409);
        }
        catch (ArgumentException e) when (e.Data[JobSpecValidator.FieldKey] is string field && field != "source")
        {
            // The coordinator's own checks that need the model (its rate range and names), or the shared rules again.
            return Invalid(field, e.Message);
        }
        catch (ArgumentException e) when (e.Data[LocationRefusedException.FieldKey] is string field)
        {
            // The silo's roots (HiFiC:Storage:Roots) may be narrower than the web's.
            return Invalid(field, e.Message);
        }
        catch (ArgumentException e)
        {
            // The silo's own checks (source folder missing, destination inside the source): the message names only what the caller sent.
            logs.CreateLogger("HiFiC.Api").LogInformation("Job {Id} refused: {Reason}", id, e.Message);
            return Invalid("source", e.Message);
        }
        await grains.GetGrain<IJobIndexGrain>(0).AddAsync(id);
        return Results.Created($"/api/jobs/{id}", JobView.Of(status));
    }

    internal static async Task<IResult> ListJobs(IGrainFactory grains, LocationPolicy locations, int? max)
    {
        var ids = await grains.GetGrain<IJobIndexGrain>(0).ListAsync(Math.Clamp(max ?? 50, 1, IJobIndexGrain.Capacity));
        var jobs = await Task.WhenAll(ids.Select(id => grains.GetGrain<IArchiveJobGrain>(id).GetStatusAsync()));
        // Jobs whose locations are (no longer) inside the roots are not shown: see GetJob.
        return Results.Ok(jobs.Where(j => j.Spec is null || locations.CheckJob(j.Spec) is null).Select(JobView.Of).ToList());
    }

    internal static async Task<IResult> GetJob(string id, IGrainFactory grains, LocationPolicy locations)
    {
        if (!JobId().IsMatch(id)) return Invalid("id", "not a job id");
        var status = await grains.GetGrain<IArchiveJobGrain>(id).GetStatusAsync();
        if (status.Phase == JobPhase.None) return Bad("Not found", $"No job '{id}'.", 404);
        return OutsideRoots(status.Spec, locations) ?? Results.Ok(JobView.Of(status));
    }

    /// <summary>A job's recorded failures, oldest first, a page at a time (issue 22: beyond the newest few they live in blobs, not in the job's state).</summary>
    internal static async Task<IResult> GetFailures(string id, IGrainFactory grains, LocationPolicy locations, long? offset, int? max)
    {
        if (!JobId().IsMatch(id)) return Invalid("id", "not a job id");
        if (offset is < 0) return Invalid("offset", "must be 0 or more");
        if (max is < 1 or > 1000) return Invalid("max", "must be 1 to 1000");
        var job = grains.GetGrain<IArchiveJobGrain>(id);
        var status = await job.GetStatusAsync();
        if (status.Phase == JobPhase.None) return Bad("Not found", $"No job '{id}'.", 404);
        if (OutsideRoots(status.Spec, locations) is { } refused) return refused;
        var page = await job.GetFailuresAsync(offset ?? 0, max ?? 100);
        return Results.Ok(page with { Failures = page.Failures.Select(f => f with { Reason = FailureText.Sanitize(f.Reason) }).ToList() });
    }

    /// <summary>A 403 for a stored job (from the CLI, or whose folder became a link) whose source or destination is outside the roots now; null when it is inside.</summary>
    private static IResult? OutsideRoots(JobSpec? spec, LocationPolicy locations) =>
        spec is not null && locations.CheckJob(spec) is { } refused
            ? Bad("Forbidden", $"The job's {refused.Field} {refused.Error}.", 403)
            : null;

    private static async Task<IResult> Control(string id, IGrainFactory grains, Func<IArchiveJobGrain, Task<JobStatus>> action)
    {
        if (!JobId().IsMatch(id)) return Invalid("id", "not a job id");
        var job = grains.GetGrain<IArchiveJobGrain>(id);
        if ((await job.GetStatusAsync()).Phase == JobPhase.None) return Bad("Not found", $"No job '{id}'.", 404);
        return Results.Ok(JobView.Of(await action(job)));
    }

    /// <param name="targetMinutes">Target completion time for the scaling advice (default HiFiC:Web:Scaling:TargetCompletion).</param>
    internal static IResult GetCluster(ClusterMonitor monitor, IOptions<WebOptions> options, double? targetMinutes)
    {
        if (targetMinutes is { } t && (!double.IsFinite(t) || t < 1 || t > 7 * 24 * 60)) return Invalid("targetMinutes", "must be between 1 and 10080 (a week)");
        var s = monitor.Latest;
        return Results.Ok(new ClusterView(options.Value.IsClient ? "client" : "embedded", s.Silos, s.QueueDepth, s.ItemsPerSecond,
            s.MegapixelsPerSecond, s.ActiveJobs, s.FailedItems, monitor.History.TakeLast(300).ToList(),
            monitor.Advice(targetMinutes is { } m ? TimeSpan.FromMinutes(m) : null)));
    }

    internal static async Task<IResult> SetConcurrency(string silo, ConcurrencyRequest? request, IGrainFactory grains, ClusterMonitor monitor, ILoggerFactory logs, CancellationToken ct)
    {
        if (request?.Concurrency is not { } n || n < 1 || n > ISiloControlGrain.MaxConcurrency)
            return Invalid("concurrency", $"must be between 1 and {ISiloControlGrain.MaxConcurrency}");
        return await SiloControl(silo, grains, monitor, logs, c => c.SetConcurrencyAsync(n), ct);
    }

    /// <summary>A control call on one silo: only silos that are reporting, through the grain that lives on that silo.</summary>
    private static async Task<IResult> SiloControl(string silo, IGrainFactory grains, ClusterMonitor monitor, ILoggerFactory logs,
        Func<ISiloControlGrain, Task<SiloControlState>> action, CancellationToken ct)
    {
        if (!SiloId().IsMatch(silo)) return Invalid("silo", "not a silo address (as /api/cluster lists them)");
        IReadOnlyList<SiloStats> silos = await grains.GetGrain<IClusterStatsGrain>(0).GetSilosAsync();
        if (!silos.Any(s => s.Silo == silo)) return Bad("Not found", $"No silo '{silo}' is reporting.", 404);
        SiloControlState state;
        try
        {
            state = await action(grains.GetGrain<ISiloControlGrain>(silo));
        }
        catch (SiloUnavailableException)
        {
            return Bad("Silo unavailable", $"Silo '{silo}' is not an active member of the cluster (it may just have left).", 409);
        }
        logs.CreateLogger("HiFiC.Api").LogInformation("Silo {Silo}: accepting={Accepting}, concurrency={Concurrency}", silo, state.Accepting, state.Concurrency);
        // The silo has reported the change; sample now so the next cluster view shows it.
        try { await monitor.SampleAsync(ct); } catch (Exception e) when (e is not OperationCanceledException) { }
        return Results.Ok(state);
    }

    /// <summary>Which archive a restore reads: the job's destination (?job=) or an allowed location (?archive=).</summary>
    private static async Task<(string? Location, IResult? Error)> ArchiveOf(string? jobId, string? archive, IGrainFactory grains, LocationPolicy locations, bool source = false)
    {
        if (!string.IsNullOrEmpty(jobId))
        {
            if (!JobId().IsMatch(jobId)) return (null, Invalid("job", "not a job id"));
            var status = await grains.GetGrain<IArchiveJobGrain>(jobId).GetStatusAsync();
            if (status.Spec is null) return (null, Bad("Not found", $"No job '{jobId}'.", 404));
            if (OutsideRoots(status.Spec, locations) is { } refused) return (null, refused);
            return (source ? status.Spec.Source : status.Spec.Destination, null);
        }
        if (source) return (null, Invalid("job", "originals are looked up by job (?job=)"));
        if (!locations.TryResolve(archive, out var location, out var error)) return (null, Invalid("archive", "archive " + error + " (or give ?job=)"));
        return (location, null);
    }

    internal static async Task<IResult> ListImages(string id, string? cursor, int? max, IGrainFactory grains, LocationPolicy locations, CancellationToken ct)
    {
        var (archive, error) = await ArchiveOf(id, null, grains, locations);
        if (error is not null) return error;
        if (cursor is not null && !LocationPolicy.TryImagePath(cursor, out _, out _)) return Invalid("cursor", "not a cursor");
        return Results.Ok(await grains.GetGrain<IArchiveReaderGrain>(0).ListImagesAsync(archive!, cursor, Math.Clamp(max ?? 200, 1, 1000), ct));
    }

    /// <param name="format">png, jpeg or webp; without it, the Accept header decides (PNG when it names none of them).</param>
    /// <param name="quality">1-100, for jpeg and webp.</param>
    /// <param name="width">Largest width of a resized restore (aspect kept, never enlarged), 1-8192.</param>
    /// <param name="height">Largest height of a resized restore, 1-8192.</param>
    /// <param name="v">The restore's ETag value (without quotes), making the URL content-addressed: served as immutable while it is current.</param>
    internal static async Task<IResult> RestoreImage(string path, string? job, string? archive, string? region, string? format, string? quality,
        string? width, string? height, string? v, HttpContext http, IGrainFactory grains,
        LocationPolicy locations, IOptions<WebOptions> options, CancellationToken ct)
    {
        if (!LocationPolicy.TryImagePath(path, out var imagePath, out var pathError)) return Invalid("path", "path " + pathError);
        var output = await grains.GetGrain<IRestoreOutputGrain>(0).ChooseAsync(format, quality, width, height, http.Request.Headers.Accept.ToString());
        if (output.Field is { } field) return Invalid(field, output.Error ?? "is not valid");
        if (v is not null && !RestoreQuery.IsVersion(v)) return Invalid("v", "must be the 32 hex digits of the image's ETag");
        ImageRegion? r = null;
        if (!string.IsNullOrEmpty(region))
        {
            var parts = region.Split(',');
            if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out _))) return Invalid("region", "must be x,y,width,height");
            var n = parts.Select(int.Parse).ToArray();
            if (n[0] < 0 || n[1] < 0 || n[2] <= 0 || n[3] <= 0) return Invalid("region", "x and y must be >= 0, width and height > 0");
            if ((long)n[2] * n[3] > options.Value.MaxRestorePixels) return Invalid("region", $"is larger than {options.Value.MaxRestorePixels} pixels");
            r = new ImageRegion(n[0], n[1], n[2], n[3]);
        }
        var (location, error) = await ArchiveOf(job, archive, grains, locations);
        if (error is not null) return error;

        bool archived;
        try { archived = await grains.GetGrain<IArchiveReaderGrain>(0).HasManifestAsync(location!, imagePath, ct); }
        catch (UnauthorizedAccessException) { return Bad("Forbidden", $"'{imagePath}' leads out of the archive.", 403); }
        if (!archived) return Bad("Not found", $"'{imagePath}' is not archived there.", 404);
        RestoreQuery.Streamed image;
        try
        {
            // Sizes are checked by the silo on the .hific header itself (a manifest may disagree with it);
            // a client that goes away cancels the decode. Streamed: no response timeout on long decodes, chunks to the response.
            image = await RestoreQuery.StartAsync(grains, new RestoreRequest(location!, imagePath, r, options.Value.MaxRestorePixels,
                Format: output.Format, Quality: output.Quality, Width: output.Width, Height: output.Height,
                IfNoneMatch: http.Request.Headers.IfNoneMatch.Count > 0 ? http.Request.Headers.IfNoneMatch.ToString() : null), ct);
        }
        catch (FileNotFoundException)
        {
            return Bad("Not found", $"'{imagePath}' is not archived there.", 404);
        }
        catch (UnauthorizedAccessException)
        {
            return Bad("Forbidden", $"'{imagePath}' leads out of the archive.", 403);
        }
        catch (RestoreLimitException e) when (e.TimedOut)
        {
            return Bad("Restore too slow", e.Message, 503);
        }
        catch (RestoreLimitException e)
        {
            return Invalid(RestoreQuery.FieldOf(e.Message), e.Message);
        }
        catch (InvalidDataException e)
        {
            // The entry's bitstream is missing or is not the one its manifest describes: refused, never decoded.
            return Bad("Archive entry damaged", e.Message, 422);
        }
        // Originals kept as they were come back as their bytes, of their own (raster) type, unless a format, size or region is asked for.
        return await RestoreQuery.RespondAsync(http, image, imagePath, v, varyOnAccept: format is null);
    }

    internal static async Task<IResult> GetOriginal(string path, string? job, IGrainFactory grains, LocationPolicy locations, CancellationToken ct)
    {
        if (!LocationPolicy.TryImagePath(path, out var imagePath, out var pathError)) return Invalid("path", "path " + pathError);
        var (location, error) = await ArchiveOf(job, null, grains, locations, source: true);
        if (error is not null) return error;
        var (archive, _) = await ArchiveOf(job, null, grains, locations);
        // Only what the job archived (the silo checks: a manifest in its destination names the path).
        OriginalRead read;
        try { read = await grains.GetGrain<IArchiveReaderGrain>(0).ReadOriginalAsync(archive!, location!, imagePath, ct); }
        catch (UnauthorizedAccessException) { return Bad("Forbidden", $"'{imagePath}' leads out of the job's source.", 403); }
        if (read.Result == OriginalReadResult.NotArchived) return Bad("Not found", $"'{imagePath}' is not an original the job archived.", 404);
        if (read.Bytes is not { } bytes) return Bad("Not found", $"'{imagePath}' is not in the job's source.", 404);
        // Archived originals have image extensions; only raster types are served inline (an .svg
        // could run script in the dashboard's origin); anything else downloads.
        if (new FileExtensionContentTypeProvider().TryGetContentType(imagePath, out var type) && type.StartsWith("image/", StringComparison.Ordinal) && type != "image/svg+xml")
            return Results.File(bytes, type);
        return Results.File(bytes, "application/octet-stream", Path.GetFileName(imagePath));
    }
}
