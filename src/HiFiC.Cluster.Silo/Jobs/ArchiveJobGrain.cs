using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;

namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>
/// Coordinates one archive job. A timer lists the source a page at a time while fewer than
/// MaxInFlight items are out, enqueues them, and persists the cursor; workers report outcomes in
/// batches, which are persisted before the call returns. Ordering makes every crash safe: items
/// are enqueued before the cursor that covers them is saved (a crash re-lists and re-enqueues a
/// page: duplicates, which count once), and outcomes are saved before workers settle their
/// messages (a crash before that makes the queue redeliver: again duplicates).
/// </summary>
public sealed class ArchiveJobGrain : Grain, IArchiveJobGrain, IRemindable
{
    /// <summary>
    /// Timers die with the activation. If the coordinator's silo dies while nothing is in flight,
    /// no worker will call it again; this reminder reactivates it (and so restarts its timer).
    /// </summary>
    private const string KeepAliveReminder = "keep-alive";
    private readonly IPersistentState<ArchiveJobState> store;
    private readonly IWorkQueue queue;
    private readonly IBlobStoreFactory blobs;
    private readonly IImageCodec codec;
    private readonly JobOptions options;
    private readonly ILogger<ArchiveJobGrain> logger;
    private readonly string hostSilo;
    private IGrainTimer? timer;

    public ArchiveJobGrain(
        [PersistentState("job", ArchiveStorage.JobStore)] IPersistentState<ArchiveJobState> store,
        IWorkQueue queue, IBlobStoreFactory blobs, IImageCodec codec, IOptions<JobOptions> options,
        ILocalSiloDetails silo, ILogger<ArchiveJobGrain> logger)
    {
        this.store = store; this.queue = queue; this.blobs = blobs; this.codec = codec;
        this.options = options.Value; this.logger = logger;
        hostSilo = silo.SiloAddress.ToString();
    }

    private ArchiveJobState S => store.State;
    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken ct)
    {
        // A coordinator that died with its silo picks up where its saved state left off.
        if (S.Phase.IsActive() || S.Phase == JobPhase.Cancelling) EnsureTimer();
        return Task.CompletedTask;
    }

    public async Task<JobStatus> StartAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (S.Spec is not null)
        {
            if (S.Spec == spec) return Snapshot();
            throw new InvalidOperationException($"Job '{JobId}' already exists with a different spec.");
        }
        if (spec.MaxAttempts < 1) throw new ArgumentException("MaxAttempts must be at least 1.");
        if (QualityFloor.Check(spec.MinMsSsim, spec.MinPsnr) is { } floorError) throw new ArgumentException(floorError);
        if (spec.RefineSteps < 0 || spec.RefineSteps > CompressOptions.MaxRefineSteps)
            throw new ArgumentException($"RefineSteps must be between 0 and {CompressOptions.MaxRefineSteps}.");
        if (spec.RefineSteps > 0 && spec.TileSize > CompressOptions.MaxRefineTileSize)
            throw new ArgumentException($"Refinement needs tiles of at most {CompressOptions.MaxRefineTileSize} px; the job asks for {spec.TileSize}.");
        // May call the storage service: off the grain's scheduler thread.
        await Task.Run(() => blobs.CheckJobLocations(spec.Source, spec.Destination));
        var model = await codec.ResolveModelAsync(spec.Model, CancellationToken.None);
        // Names are placed per model (hific-lite's mi is t = 0.86), so only the silo that knows the model resolves them.
        double rate = spec.RateName is { } name ? model.RateNamed(name) : spec.Rate;

        var now = DateTime.UtcNow;
        S.Spec = spec;
        S.ModelId = model.Id;
        S.ModelDigest = model.Digest;
        S.Rate = rate;
        S.Phase = JobPhase.Enumerating;
        S.StartedUtc = now;
        S.ActiveSinceUtc = now;
        await SaveAsync();
        logger.LogInformation("Job {Job} started: {Source} -> {Destination}, model {Model}, rate {Rate}", JobId, spec.Source, spec.Destination, model.Id, rate);
        EnsureTimer();
        await KeepAliveAsync(true);
        return Snapshot();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Snapshot());

    /// <summary>The rate t items are coded at (jobs persisted before rate names have no resolved rate: their spec's).</summary>
    private double Rate => S.Rate ?? S.Spec!.Rate;

    public Task<JobPhase> GetPhaseAsync() => Task.FromResult(S.Phase);

    public async Task<JobStatus> PauseAsync()
    {
        if (S.Phase.IsActive())
        {
            S.PausedFrom = S.Phase;
            S.Phase = JobPhase.Paused;
            StopClock();
            await SaveAsync();
        }
        return Snapshot();
    }

    public async Task<JobStatus> ResumeAsync()
    {
        if (S.Phase == JobPhase.Paused)
        {
            S.Phase = S.PausedFrom;
            S.ActiveSinceUtc = DateTime.UtcNow;
            await SaveAsync();
            EnsureTimer();
            await KeepAliveAsync(true);
        }
        return Snapshot();
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (S.Spec is not null && !S.Phase.IsTerminal() && S.Phase != JobPhase.Cancelling)
        {
            if (S.Phase == JobPhase.Paused) S.ActiveSinceUtc = DateTime.UtcNow;
            S.Phase = JobPhase.Cancelling;
            CheckCompletion();
            await SaveAsync();
            EnsureTimer();
        }
        return Snapshot();
    }

    public async Task<ProgressAck> ReportProgressAsync(ProgressBatch batch)
    {
        int applied = 0, ignored = 0;
        var fanOut = new List<WorkItem>();
        foreach (var o in batch.Outcomes)
        {
            var key = o.SourcePath;
            if (!S.InFlight.TryGetValue(key, out var started))
            {
                if (o.Kind != OutcomeKind.Started) ignored++;
                continue;
            }
            applied++;
            var path = WorkKeys.PathOf(key);
            switch (o.Kind)
            {
                case OutcomeKind.Started:
                    if (!started) S.InFlight[key] = true;
                    break;
                case OutcomeKind.Done:
                    S.InFlight.Remove(key);
                    S.Done++;
                    S.BytesIn += o.BytesIn;
                    S.BytesOut += o.BytesOut;
                    S.Pixels += o.Pixels;
                    if (o.KeptOriginal) S.KeptOriginal++;
                    break;
                case OutcomeKind.Split:
                    // The tiles go out from here, not from the worker, so that every tile is in
                    // flight before any silo can report it.
                    S.InFlight.Remove(key);
                    S.SplitImages++;
                    S.TilesLeft[path] = o.TileCount;
                    for (int t = 0; t < o.TileCount; t++)
                    {
                        var tile = Item(path, o.BytesIn, WorkPart.Tile, t, o.TileCount);
                        S.InFlight[tile.Key] = false;
                        fanOut.Add(tile);
                    }
                    break;
                case OutcomeKind.TileDone:
                    S.InFlight.Remove(key);
                    S.TilesDone++;
                    if (S.TilesLeft.TryGetValue(path, out var left) && --left > 0) S.TilesLeft[path] = left;
                    else
                    {
                        S.TilesLeft.Remove(path);
                        var assemble = Item(path, o.BytesIn, WorkPart.Assemble, 0, o.TileCount);
                        S.InFlight[assemble.Key] = false;
                        fanOut.Add(assemble);
                    }
                    break;
                case OutcomeKind.Failed:
                    ForgetImage(path);
                    S.Failed++;
                    S.Failures.Add(new JobFailure(path, o.Reason ?? "unknown", o.Attempts));
                    if (S.Failures.Count > options.MaxRecordedFailures) S.Failures.RemoveAt(0);
                    break;
                case OutcomeKind.Cancelled:
                    ForgetImage(path);
                    S.Cancelled++;
                    break;
            }
        }
        S.DuplicateReports += ignored;
        // Enqueued before the state that expects them is saved: a crash in between only duplicates them.
        if (fanOut.Count > 0) await queue.EnqueueAsync(fanOut, CancellationToken.None);
        CheckCompletion();
        if (applied > 0 || ignored > 0) await SaveAsync();
        return new ProgressAck(applied, ignored);
    }

    /// <summary>Drops every key of an image (its other tiles, if split): one image fails or is cancelled once.</summary>
    private void ForgetImage(string path)
    {
        S.TilesLeft.Remove(path);
        foreach (var k in S.InFlight.Keys.Where(k => WorkKeys.PathOf(k) == path).ToList()) S.InFlight.Remove(k);
    }

    private WorkItem Item(string path, long size, WorkPart part = WorkPart.Whole, int tile = 0, int tiles = 0)
    {
        var spec = S.Spec!;
        // A quality floor needs the decode verification does: it implies verify.
        var quality = QualityFloor.Of(spec);
        return new WorkItem(JobId, spec.Source, spec.Destination, path, size, S.ModelDigest!, Rate, spec.TileSize, spec.Verify || quality.HasFloor,
            spec.MaxAttempts, spec.SplitAbovePixels, part, tile, tiles, spec.RefineSteps, quality);
    }

    private void EnsureTimer()
    {
        timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.Tick,
            // Calls and ticks take turns: the state is never seen half-updated.
            Interleave = false,
            KeepAlive = true,
        });
    }

    private async Task TickAsync(CancellationToken ct)
    {
        try
        {
            if (S.Phase == JobPhase.Enumerating && S.InFlight.Count < options.MaxInFlight)
                await ListNextPageAsync(ct);
            if (CheckCompletion()) await SaveAsync();
        }
        catch (InconsistentStateException)
        {
            DeactivateOnIdle();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or NotSupportedException)
        {
            logger.LogError(e, "Job {Job} cannot list its source", JobId);
            S.Phase = JobPhase.Failed;
            S.Error = $"cannot list the source: {e.Message}";
            S.FinishedUtc = DateTime.UtcNow;
            StopClock();
            await SaveAsync();
        }
        if (S.Phase.IsTerminal() && timer is not null)
        {
            timer.Dispose();
            timer = null;
            await KeepAliveAsync(false);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being called is the point: activation restarted the timer if the job is still going.
        if (S.Phase.IsTerminal() || S.Spec is null) await KeepAliveAsync(false);
        else if (S.Phase != JobPhase.Paused) EnsureTimer();
    }

    private async Task KeepAliveAsync(bool on)
    {
        try
        {
            if (on) await this.RegisterOrUpdateReminder(KeepAliveReminder, options.KeepAlive, options.KeepAlive);
            else if (await this.GetReminder(KeepAliveReminder) is { } r) await this.UnregisterReminder(r);
        }
        catch (Exception e)
        {
            // A silo without a reminder service still runs jobs; it only loses the safety net.
            logger.LogWarning("Job {Job}: keep-alive reminder not {Action}: {Error}", JobId, on ? "registered" : "removed", e.Message);
        }
    }

    private async Task ListNextPageAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        var source = blobs.OpenSource(spec.Source);
        int room = Math.Min(options.PageSize, options.MaxInFlight - S.InFlight.Count);
        var page = await source.ListAsync(S.Cursor, room, ct);

        // Sidecar files (JSON, XMP, text) sit beside photos in real archives: they are skipped,
        // not failed. A file with an image extension that does not decode still fails, with its reason.
        var listed = page.Items.Where(b => !S.InFlight.ContainsKey(b.Path)).ToList();
        var fresh = listed.Where(b => ImageIO.HasImageExtension(b.Path)).ToList();
        S.Skipped += listed.Count - fresh.Count;
        var skip = spec.SkipExisting ? await AlreadyArchivedAsync(fresh, ct) : [];
        var items = fresh.Where(b => !skip.Contains(b.Path)).Select(b => Item(b.Path, b.Size)).ToList();

        // Enqueue before saving the cursor: see the class comment.
        if (items.Count > 0) await queue.EnqueueAsync(items, ct);
        foreach (var i in items) S.InFlight[i.Key] = false;
        S.Queued += items.Count;
        S.Skipped += skip.Count;
        if (page.Cursor is null)
        {
            S.ListingComplete = true;
            S.Phase = JobPhase.Running;
        }
        else S.Cursor = page.Cursor;
        await SaveAsync();
    }

    /// <summary>Sources whose manifest says they were archived with this model, rate and tile size from a source of this size.</summary>
    private async Task<HashSet<string>> AlreadyArchivedAsync(IReadOnlyList<Storage.BlobInfo> blobsToCheck, CancellationToken ct)
    {
        var spec = S.Spec!;
        var dest = blobs.OpenStore(spec.Destination);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in blobsToCheck.Chunk(32))
        {
            var manifests = await Task.WhenAll(chunk.Select(b => dest.TryReadAllAsync(ArchiveNaming.Manifest(b.Path), ct)));
            for (int i = 0; i < chunk.Length; i++)
            {
                if (manifests[i] is not { } json) continue;
                try
                {
                    var m = ArchiveManifest.FromJson(json);
                    if (m.SourceSize == chunk[i].Size && m.ModelDigest == S.ModelDigest && m.Rate == Rate && m.TileSize == spec.TileSize)
                        done.Add(chunk[i].Path);
                }
                catch (System.Text.Json.JsonException) { /* a damaged manifest: archive again */ }
            }
        }
        return done;
    }

    /// <summary>Moves to Done/Cancelled when nothing is left; true when the phase changed.</summary>
    private bool CheckCompletion()
    {
        if (S.InFlight.Count > 0) return false;
        var next = S.Phase switch
        {
            JobPhase.Running when S.ListingComplete => JobPhase.Done,
            JobPhase.Cancelling => JobPhase.Cancelled,
            _ => S.Phase,
        };
        if (next == S.Phase) return false;
        S.Phase = next;
        S.FinishedUtc = DateTime.UtcNow;
        StopClock();
        logger.LogInformation("Job {Job} {Phase}: {Done} done, {Failed} failed, {Skipped} skipped", JobId, next, S.Done, S.Failed, S.Skipped);
        return true;
    }

    private void StopClock()
    {
        if (S.ActiveSinceUtc is { } since) S.ActiveBefore += DateTime.UtcNow - since;
        S.ActiveSinceUtc = null;
    }

    private Task SaveAsync() => store.WriteStateAsync();

    private JobStatus Snapshot()
    {
        var active = S.ActiveTime(DateTime.UtcNow);
        double seconds = active.TotalSeconds;
        long finished = S.Done + S.Failed;
        double rate = seconds > 0 ? finished / seconds : 0;
        TimeSpan? eta = S.Phase.IsTerminal() ? TimeSpan.Zero
            : S.ListingComplete && rate > 0 ? TimeSpan.FromSeconds(S.InFlight.Count / rate) : null;
        return new JobStatus
        {
            JobId = JobId,
            Spec = S.Spec,
            Phase = S.Phase,
            Queued = S.Queued,
            Running = S.InFlight.Values.Count(v => v),
            Done = S.Done,
            Failed = S.Failed,
            Skipped = S.Skipped,
            Cancelled = S.Cancelled,
            BytesIn = S.BytesIn,
            BytesOut = S.BytesOut,
            Pixels = S.Pixels,
            MeanBpp = S.Pixels > 0 ? S.BytesOut * 8.0 / S.Pixels : 0,
            ItemsPerSecond = rate,
            MegapixelsPerSecond = seconds > 0 ? S.Pixels / 1e6 / seconds : 0,
            Eta = eta,
            Failures = S.Failures.ToList(),
            FailuresTotal = S.Failed,
            Cursor = S.ListingComplete ? null : S.Cursor,
            ListingComplete = S.ListingComplete,
            StartedUtc = S.StartedUtc,
            FinishedUtc = S.FinishedUtc,
            ActiveTime = active,
            ModelId = S.ModelId,
            ModelDigest = S.ModelDigest,
            Rate = S.Spec is null ? null : Rate,
            Error = S.Error,
            HostSilo = hostSilo,
            Outstanding = S.InFlight.Count,
            DuplicateReports = S.DuplicateReports,
            SplitImages = S.SplitImages,
            TilesDone = S.TilesDone,
            KeptOriginal = S.KeptOriginal,
        };
    }
}
