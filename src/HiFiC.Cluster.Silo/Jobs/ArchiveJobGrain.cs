using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Cluster.Silo.Storage.Locks;
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
    private readonly DestinationLocks locks;
    private IGrainTimer? timer;
    private readonly InFlightRecovery recovery = new();
    /// <summary>When this activation last renewed the destination lock (a new activation renews at once).</summary>
    private DateTime lockRenewedUtc = DateTime.MinValue;
    /// <summary>When this activation last saw its window move: a page listed or the in-flight count changed (see ListingDue).</summary>
    private DateTime windowMovedUtc = DateTime.MinValue;
    private int windowCount = -1;
    // GetStatusAsync interleaves with the turn that ends a job: until that turn has saved the end and
    // released the destination lock, the status keeps the job running, so "done, start the next job
    // on this destination" never meets the old lock. A job loaded already ended released it (or it expires).
    private bool endPublished;
    /// <summary>A sharded job's last statuses of its shards (refreshed every tick and on status calls; not persisted).</summary>
    private JobStatus[] shardStatus = [];

    public ArchiveJobGrain(
        [PersistentState("job", ArchiveStorage.JobStore)] IPersistentState<ArchiveJobState> store,
        IWorkQueue queue, IBlobStoreFactory blobs, IImageCodec codec, IOptions<JobOptions> options,
        ILocalSiloDetails silo, DestinationLocks locks, ILogger<ArchiveJobGrain> logger)
    {
        this.store = store; this.queue = queue; this.blobs = blobs; this.codec = codec; this.locks = locks;
        this.options = options.Value; this.logger = logger;
        hostSilo = silo.SiloAddress.ToString();
    }

    private ArchiveJobState S => store.State;
    private string JobId => this.GetPrimaryKeyString();
    /// <summary>This grain only sums shards: they list, hand out and count (issue 22).</summary>
    private bool IsParent => S.ParentId is null && S.Spec is { Coordinators: > 1 };
    private bool IsShard => S.ParentId is not null;
    private IArchiveJobGrain Shard(int index) => GrainFactory.GetGrain<IArchiveJobGrain>(ShardStart.Key(JobId, index));

    public override Task OnActivateAsync(CancellationToken ct)
    {
        // A coordinator that died with its silo picks up where its saved state left off. Paused jobs
        // too: their timer renews the destination lock.
        if (S.Phase.IsActive() || S.Phase is JobPhase.Cancelling or JobPhase.Paused) EnsureTimer();
        endPublished = S.Phase.IsTerminal();
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
        // The one validator every front end also runs (so their users hear of a bad setting at once).
        JobSpecValidator.ThrowIfInvalid(spec);
        // May call the storage service: off the grain's scheduler thread.
        await Task.Run(() => blobs.CheckJobLocations(spec.Source, spec.Destination));
        // A restore job decodes each entry with the model its file names: no model to resolve here.
        ModelInfo? model;
        try { model = spec.IsRestore() ? null : await codec.ResolveModelAsync(spec.Model, CancellationToken.None); }
        catch (ModelNotFoundException e)
        {
            // A System exception with marks: a client without the codec (the web host in client mode) cannot receive the codec's type.
            var refused = new ArgumentException(e.Message);
            refused.Data[ModelInfo.FieldKey] = "model";
            refused.Data[JobStartErrors.ModelMissingKey] = true;
            throw refused;
        }
        // Names are placed per model (hific-lite's mi is t = 0.86), so only the silo that knows the model resolves them.
        double rate = model is null ? spec.Rate : spec.RateName is { } name ? model.RateNamed(name) : spec.Rate;
        model?.CheckRate(rate);
        // One writer per destination: refused here, before anything is saved or enqueued.
        // Awaited here, not in Task.Run: the holder check calls grains (lock stores do their blocking I/O off this thread themselves).
        var held = await locks.TryAcquireAsync(spec.Destination, JobId, options.DestinationLockTtl, CancellationToken.None, HolderEndedAsync);
        if (!held.Held)
        {
            var e = new InvalidOperationException(
                $"The destination {spec.Destination} is being written by job '{held.Holder}' (its lock runs until {held.HolderExpiresUtc:u} unless renewed). " +
                "Wait for that job to end, or cancel it, then start this one again.");
            e.Data[ModelInfo.FieldKey] = "destination";
            throw e;
        }
        lockRenewedUtc = DateTime.UtcNow;

        var now = DateTime.UtcNow;
        S.Spec = spec;
        S.ModelId = model?.Id;
        S.ModelDigest = model?.Digest;
        S.Rate = rate;
        if (model is not null)
        {
            // Resolved here, once: every item of the job is coded alike whichever silo takes it.
            S.Effort = spec.Effort ?? (spec.RefineSteps > 0 ? null
                : HiFiC.Codec.Networks.TorchRuntime.OnGpu ? JobEffort.Balanced : JobEffort.Fast);
            S.RefineSteps = S.Effort is { } effort ? JobEffort.Steps(effort) : spec.RefineSteps;
            if (S.RefineSteps > 0 && spec.TileSize > JobSpecValidator.MaxRefineTileSize) { S.Effort = JobEffort.Fast; S.RefineSteps = 0; }
        }
        S.Phase = JobPhase.Enumerating;
        S.StartedUtc = now;
        S.ActiveSinceUtc = now;
        S.ShardCount = spec.Coordinators;
        await SaveAsync();
        if (model is null)
            logger.LogInformation("Restore job {Job} started: {Source} (folder {Folder}) -> {Destination} as {Format}, {Coordinators} coordinator(s)",
                JobId, spec.Source, spec.Folder ?? "(all)", spec.Destination, spec.Format ?? "png", spec.Coordinators);
        else
            logger.LogInformation("Job {Job} started: {Source} -> {Destination}, model {Model}, rate {Rate}, effort {Effort} ({Steps} refinement steps), {Coordinators} coordinator(s)",
                JobId, spec.Source, spec.Destination, model.Id, rate, S.Effort ?? "custom", S.RefineSteps, spec.Coordinators);
        // Saved first: a crash before every shard started is finished by the next activation's tick (StartShardAsync is idempotent).
        if (IsParent) await RefreshShardsAsync(CancellationToken.None);
        EnsureTimer();
        await KeepAliveAsync(true);
        return IsParent ? Aggregate() : Snapshot();
    }

    public async Task<JobStatus> StartShardAsync(ShardStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (S.Spec is not null)
        {
            if (S.Spec == start.Spec && S.ParentId == start.ParentId && S.ShardIndex == start.Index) return Snapshot();
            throw new InvalidOperationException($"Shard '{JobId}' already exists with a different spec.");
        }
        if (start.Count < 2 || start.Index < 0 || start.Index >= start.Count) throw new ArgumentOutOfRangeException(nameof(start), $"shard {start.Index} of {start.Count}");
        var now = DateTime.UtcNow;
        S.Spec = start.Spec;
        S.ParentId = start.ParentId;
        S.ShardIndex = start.Index;
        S.ShardCount = start.Count;
        S.ModelId = start.ModelId;
        S.ModelDigest = start.ModelDigest;
        S.Rate = start.Rate;
        S.Effort = start.Effort;
        S.RefineSteps = start.RefineSteps;
        S.Phase = JobPhase.Enumerating;
        S.StartedUtc = now;
        S.ActiveSinceUtc = now;
        await SaveAsync();
        EnsureTimer();
        await KeepAliveAsync(true);
        return Snapshot();
    }

    public async Task<JobStatus> GetStatusAsync()
    {
        if (!IsParent) return Snapshot();
        // The tick refreshes them every HiFiC:Jobs:Tick; only a fresh activation asks at once.
        if (shardStatus.Length == S.Spec!.Coordinators) return Aggregate();
        try { await RefreshShardsAsync(CancellationToken.None); }
        catch (Exception e)
        {
            // A shard whose silo just died answers once it is reactivated; meanwhile the last statuses stand.
            logger.LogInformation("Job {Job}: a shard did not answer: {Error}", JobId, e.Message);
        }
        return Aggregate();
    }

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
            await ForwardToShardsAsync();
        }
        return IsParent ? Aggregate() : Snapshot();
    }

    public async Task<JobStatus> ResumeAsync()
    {
        if (S.Phase == JobPhase.Paused)
        {
            S.Phase = S.PausedFrom;
            S.ActiveSinceUtc = DateTime.UtcNow;
            await SaveAsync();
            recovery.CheckSoon(); // a long pause may have outlived the queue's messages
            EnsureTimer();
            await KeepAliveAsync(true);
            await ForwardToShardsAsync();
        }
        return IsParent ? Aggregate() : Snapshot();
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (S.Spec is not null && !S.Phase.IsTerminal() && S.Phase != JobPhase.Cancelling)
        {
            if (S.Phase == JobPhase.Paused) S.ActiveSinceUtc = DateTime.UtcNow;
            S.Phase = JobPhase.Cancelling;
            // A sharded job ends when its shards have (its tick sees them end).
            bool ended = !IsParent && CheckCompletion();
            await SaveAsync();
            if (ended) await ReleaseLockAsync();
            EnsureTimer();
            await ForwardToShardsAsync();
        }
        return IsParent ? Aggregate() : Snapshot();
    }

    /// <summary>
    /// Brings the shards to the job's phase at once (pause, resume, cancel); a shard that does not
    /// answer now is brought there by the next tick (<see cref="ReconcileShardsAsync"/>).
    /// </summary>
    private async Task ForwardToShardsAsync()
    {
        if (!IsParent) return;
        try { await RefreshShardsAsync(CancellationToken.None); }
        catch (Exception e)
        {
            logger.LogInformation("Job {Job}: a shard did not take the job's phase {Phase} yet: {Error}", JobId, S.Phase, e.Message);
        }
    }

    /// <summary>
    /// Starts shards not started yet, brings every shard to the job's phase, and reads their statuses.
    /// Shards never call their job's grain, so these calls cannot deadlock.
    /// </summary>
    private async Task RefreshShardsAsync(CancellationToken ct)
    {
        int n = S.Spec!.Coordinators;
        var statuses = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ReconcileShardsAsync(i)));
        shardStatus = statuses;
    }

    private async Task<JobStatus> ReconcileShardsAsync(int index)
    {
        var shard = Shard(index);
        var status = await shard.GetStatusAsync();
        if (status.Spec is null && !S.Phase.IsTerminal())
            status = await shard.StartShardAsync(new ShardStart(S.Spec!, JobId, index, S.Spec!.Coordinators, S.ModelId!, S.ModelDigest!, Rate, S.Effort, S.RefineSteps));
        if (status.Phase.IsTerminal()) return status;
        // The job's phase wins: a shard follows pause, resume and cancel (and a job failed for its lock cancels its shards).
        if ((S.Phase is JobPhase.Cancelling or JobPhase.Failed or JobPhase.Cancelled) && status.Phase != JobPhase.Cancelling) return await shard.CancelAsync();
        if (S.Phase == JobPhase.Paused && status.Phase.IsActive()) return await shard.PauseAsync();
        if (S.Phase.IsActive() && status.Phase == JobPhase.Paused) return await shard.ResumeAsync();
        return status;
    }

    /// <summary>A sharded job's tick: keep its lock, its shards in its phase, and end when they all have.</summary>
    private async Task ParentTickAsync(CancellationToken ct)
    {
        if (!S.Phase.IsTerminal()) await RenewLockAsync(ct);
        try { await RefreshShardsAsync(ct); }
        catch (Exception e)
        {
            logger.LogInformation("Job {Job}: a shard did not answer: {Error}", JobId, e.Message);
            return;
        }
        if (S.Phase == JobPhase.Enumerating && shardStatus.All(x => x.ListingComplete || x.Phase.IsTerminal()))
        {
            S.ListingComplete = true;
            S.Phase = JobPhase.Running;
            await SaveAsync();
        }
        if (S.Phase.IsTerminal() || !shardStatus.All(x => x.Phase.IsTerminal())) return;
        var failed = shardStatus.FirstOrDefault(x => x.Phase == JobPhase.Failed);
        S.Phase = S.Phase == JobPhase.Cancelling ? JobPhase.Cancelled : failed is not null ? JobPhase.Failed : JobPhase.Done;
        if (failed is not null) S.Error ??= $"shard {failed.JobId}: {failed.Error}";
        S.ListingComplete = S.Phase == JobPhase.Done || S.ListingComplete;
        S.FinishedUtc = DateTime.UtcNow;
        StopClock();
        // The sums, kept: a finished job answers from its own state.
        var sum = Aggregate();
        (S.Queued, S.Done, S.Failed, S.Skipped, S.Cancelled) = (sum.Queued, sum.Done, sum.Failed, sum.Skipped, sum.Cancelled);
        (S.BytesIn, S.BytesOut, S.Pixels, S.DuplicateReports, S.SplitImages, S.TilesDone, S.KeptOriginal) = (sum.BytesIn, sum.BytesOut, sum.Pixels, sum.DuplicateReports, sum.SplitImages, sum.TilesDone, sum.KeptOriginal);
        S.LeftAlone = sum.LeftAlone;
        await SaveAsync();
        logger.LogInformation("Job {Job} {Phase} over {Shards} shards: {Done} done, {Failed} failed, {Skipped} skipped", JobId, S.Phase, shardStatus.Length, S.Done, S.Failed, S.Skipped);
    }

    /// <summary>A sharded job's status: its own phase, times and lock, the shards' counters summed.</summary>
    private JobStatus Aggregate()
    {
        var own = Snapshot();
        var shards = shardStatus;
        if (shards.Length == 0) return own with { Coordinators = S.Spec!.Coordinators, CoordinatorSilos = [hostSilo] };
        long Sum(Func<JobStatus, long> f) => shards.Sum(f);
        double seconds = own.ActiveTime.TotalSeconds;
        long done = Sum(x => x.Done), failed = Sum(x => x.Failed), pixels = Sum(x => x.Pixels), bytesOut = Sum(x => x.BytesOut), outstanding = Sum(x => x.Outstanding);
        bool listed = shards.All(x => x.ListingComplete);
        double rate = seconds > 0 ? (done + failed) / seconds : 0;
        return own with
        {
            Queued = Sum(x => x.Queued), Running = Sum(x => x.Running), Done = done, Failed = failed,
            Skipped = Sum(x => x.Skipped), LeftAlone = Sum(x => x.LeftAlone), Cancelled = Sum(x => x.Cancelled),
            BytesIn = Sum(x => x.BytesIn), BytesOut = bytesOut, Pixels = pixels,
            MeanBpp = pixels > 0 ? bytesOut * 8.0 / pixels : 0,
            ItemsPerSecond = rate,
            MegapixelsPerSecond = seconds > 0 ? pixels / 1e6 / seconds : 0,
            Eta = own.Phase.IsTerminal() ? TimeSpan.Zero : listed && rate > 0 ? TimeSpan.FromSeconds(outstanding / rate) : null,
            // Each shard's newest: a status stays small; GetFailuresAsync pages through all of them.
            Failures = shards.SelectMany(x => x.Failures).TakeLast(200).ToList(),
            FailuresTotal = failed,
            FailuresRecorded = Sum(x => x.FailuresRecorded),
            Cursor = null,
            ListingComplete = listed,
            Error = own.Error ?? shards.Select(x => x.Error).FirstOrDefault(x => x is not null),
            Outstanding = outstanding,
            DuplicateReports = Sum(x => x.DuplicateReports),
            SplitImages = Sum(x => x.SplitImages), TilesDone = Sum(x => x.TilesDone), KeptOriginal = Sum(x => x.KeptOriginal),
            ChosenRates = shards.SelectMany(x => x.ChosenRates).GroupBy(r => r.Rate).OrderBy(g => g.Key).Select(g => new RateCount(g.Key, g.Sum(r => r.Images))).ToList(),
            TargetMissed = Sum(x => x.TargetMissed),
            Coordinators = shards.Length,
            CoordinatorSilos = [hostSilo, .. shards.Select(x => x.HostSilo ?? "")],
        };
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
                    recovery.Started(key, DateTime.UtcNow);
                    break;
                case OutcomeKind.Done:
                    S.InFlight.Remove(key);
                    S.TileSha256.Remove(path);
                    S.Done++;
                    S.BytesIn += o.BytesIn;
                    S.BytesOut += o.BytesOut;
                    S.Pixels += o.Pixels;
                    if (o.KeptOriginal) S.KeptOriginal++;
                    if (o.ChosenRate is { } chosen) S.ChosenRates[chosen] = S.ChosenRates.GetValueOrDefault(chosen) + 1;
                    if (o.TargetMissed) S.TargetMissed++;
                    break;
                case OutcomeKind.Split:
                    // The tiles go out from here, not from the worker, so that every tile is in
                    // flight before any silo can report it.
                    S.InFlight.Remove(key);
                    S.SplitImages++;
                    S.TilesLeft[path] = o.TileCount;
                    // Handed out below, at most MaxInFlight at a time: a 100k-tile image must not flood the queue.
                    S.PendingTiles[path] = new PendingTiles(o.BytesIn, 0, o.TileCount);
                    break;
                case OutcomeKind.TileDone:
                    S.InFlight.Remove(key);
                    S.TilesDone++;
                    // The part this outcome counted: assembly takes exactly it, whatever other attempts wrote.
                    var hashes = S.TileSha256.TryGetValue(path, out var known) && known.Length == o.TileCount ? known : new string[o.TileCount];
                    if (WorkKeys.TileOf(key) is int tileIndex && tileIndex < hashes.Length) hashes[tileIndex] = o.TileSha256 ?? "";
                    S.TileSha256[path] = hashes;
                    if (S.TilesLeft.TryGetValue(path, out var left) && --left > 0) S.TilesLeft[path] = left;
                    else
                    {
                        S.TilesLeft.Remove(path);
                        // Kept until the assembly is done: a lost assembly item is rebuilt from it (RecoverAsync).
                        var assemble = Item(path, o.BytesIn, WorkPart.Assemble, 0, o.TileCount) with { TileSha256 = hashes };
                        S.InFlight[assemble.Key] = false;
                        fanOut.Add(assemble);
                    }
                    break;
                case OutcomeKind.Failed:
                    ForgetImage(path);
                    S.Failed++;
                    // Clipped when recorded, not only when shown: one failure costs the state at most ~1.4 KB.
                    S.Failures.Add(new JobFailure(ClipPath(path), FailureText.Sanitize(o.Reason), o.Attempts));
                    break;
                case OutcomeKind.Cancelled:
                    ForgetImage(path);
                    S.Cancelled++;
                    break;
                case OutcomeKind.Current:
                    S.InFlight.Remove(key);
                    S.Skipped++;
                    if (o.LeftAlone) S.LeftAlone++;
                    break;
            }
        }
        S.DuplicateReports += ignored;
        await SpillFailuresAsync();
        fanOut.AddRange(TakePendingTiles());
        // Enqueued before the state that expects them is saved: a crash in between only duplicates them.
        if (fanOut.Count > 0) await queue.EnqueueAsync(fanOut, CancellationToken.None);
        recovery.Sent(fanOut, DateTime.UtcNow);
        bool ended = CheckCompletion();
        if (applied > 0 || ignored > 0 || ended) await SaveAsync();
        // Released before anyone can see the job ended (calls take turns): "done, run the next job" never meets a stale lock.
        if (ended) await ReleaseLockAsync();
        return new ProgressAck(applied, ignored);
    }

    /// <summary>
    /// Keeps the failures in state under MaxRecordedFailures: the oldest half goes to a blob page in
    /// the destination before the state that no longer holds it is saved (a crash in between writes
    /// the same page again from the same saved list). A page that cannot be written stays in state
    /// and is tried with the next failure; past twice the cap the oldest are dropped (the count stays exact).
    /// </summary>
    private async Task SpillFailuresAsync()
    {
        int limit = Math.Max(2, options.MaxRecordedFailures);
        if (S.Failures.Count < limit) return;
        if (S.FailurePageSize == 0) S.FailurePageSize = limit / 2;
        int size = S.FailurePageSize;
        while (S.Failures.Count >= Math.Max(limit, size + 1))
        {
            var page = S.Failures.Take(size).ToList();
            try
            {
                var store = blobs.OpenStore(S.Spec!.Destination);
                var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(page);
                long number = S.FailuresSpilled / size;
                await Task.Run(() => store.WriteAsync(ArchiveNaming.FailurePage(JobId, number), bytes, CancellationToken.None));
            }
            catch (Exception e)
            {
                logger.LogWarning("Job {Job}: writing a page of failures to the destination failed ({Error}); they stay in the job's state for now", JobId, e.Message);
                if (S.Failures.Count > 2 * limit) S.Failures.RemoveRange(0, S.Failures.Count - 2 * limit);
                return;
            }
            S.Failures.RemoveRange(0, size);
            S.FailuresSpilled += size;
        }
    }

    public async Task<JobFailurePage> GetFailuresAsync(long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        count = Math.Clamp(count, 1, 1000);
        if (IsParent) return await GetShardFailuresAsync(offset, count);
        long recorded = S.FailuresSpilled + S.Failures.Count;
        var items = new List<JobFailure>(Math.Min(count, 256));
        IBlobStore? store = null;
        for (long i = offset; i < recorded && items.Count < count;)
        {
            if (i >= S.FailuresSpilled)
            {
                items.AddRange(S.Failures.Skip((int)(i - S.FailuresSpilled)).Take(count - items.Count));
                break;
            }
            int size = S.FailurePageSize;
            long number = i / size;
            store ??= blobs.OpenStore(S.Spec!.Destination);
            var path = ArchiveNaming.FailurePage(JobId, number);
            var bytes = await Task.Run(() => store.TryReadAllAsync(path, CancellationToken.None))
                ?? throw new InvalidOperationException($"The failure page {path} of job '{JobId}' is missing from its destination.");
            var page = System.Text.Json.JsonSerializer.Deserialize<List<JobFailure>>(bytes) ?? [];
            int from = (int)(i - number * size);
            var take = page.Skip(from).Take(count - items.Count).ToList();
            if (take.Count == 0) break;
            items.AddRange(take);
            i += take.Count;
        }
        return new JobFailurePage(items, offset, recorded);
    }

    /// <summary>A sharded job's failures: shard 0's, then shard 1's, and so on (each oldest first).</summary>
    private async Task<JobFailurePage> GetShardFailuresAsync(long offset, int count)
    {
        await RefreshShardsAsync(CancellationToken.None);
        var items = new List<JobFailure>();
        long skip = offset;
        for (int i = 0; i < shardStatus.Length && items.Count < count; i++)
        {
            long recorded = shardStatus[i].FailuresRecorded;
            if (skip >= recorded) { skip -= recorded; continue; }
            var page = await Shard(i).GetFailuresAsync(skip, count - items.Count);
            items.AddRange(page.Failures);
            skip = 0;
        }
        return new JobFailurePage(items, offset, shardStatus.Sum(x => x.FailuresRecorded));
    }

    /// <summary>Longer than any blob name (1,024 characters): clipped in the failure list so one record stays small.</summary>
    private static string ClipPath(string path) => path.Length <= 1024 ? path : path[..1024] + "…";

    /// <summary>Tiles of split images that fit under MaxInFlight now, marked in flight (the caller enqueues them).</summary>
    private List<WorkItem> TakePendingTiles()
    {
        var items = new List<WorkItem>();
        if (!S.Phase.IsActive()) return items;
        // Tiles of the split images already going out: their part hashes stay in state until assembled.
        int open = OpenTiles();
        foreach (var (path, p) in S.PendingTiles.ToList())
        {
            int next = p.Next;
            if (next == 0)
            {
                // A new image starts only while the open ones leave room (one always may): TileSha256 stays bounded.
                if (open > 0 && open + p.Count > options.MaxOpenTiles) continue;
                open += p.Count;
            }
            for (; next < p.Count && S.InFlight.Count < options.MaxInFlight; next++)
            {
                var tile = Item(path, p.BytesIn, WorkPart.Tile, next, p.Count);
                S.InFlight[tile.Key] = false;
                items.Add(tile);
            }
            if (next == p.Count) S.PendingTiles.Remove(path);
            else S.PendingTiles[path] = p with { Next = next };
        }
        return items;
    }

    /// <summary>Tiles of split images that have started going out (their hashes are or will be in TileSha256 until assembled).</summary>
    private int OpenTiles()
    {
        int open = 0;
        foreach (var path in S.TilesLeft.Keys.Union(S.TileSha256.Keys))
        {
            if (S.PendingTiles.TryGetValue(path, out var p)) { if (p.Next > 0) open += p.Count; }
            else open += S.TileSha256.TryGetValue(path, out var h) ? h.Length : S.TilesLeft[path];
        }
        return open;
    }

    /// <summary>Drops every key of an image (its other tiles, if split): one image fails or is cancelled once.</summary>
    private void ForgetImage(string path)
    {
        S.PendingTiles.Remove(path);
        S.TilesLeft.Remove(path);
        S.TileSha256.Remove(path);
        foreach (var k in S.InFlight.Keys.Where(k => WorkKeys.PathOf(k) == path).ToList()) S.InFlight.Remove(k);
    }

    /// <summary>"folder/" for a restore job of one folder, null for the whole archive.</summary>
    private static string? RestorePrefix(JobSpec spec) =>
        spec.Folder is { } f && f.Trim('/') is { Length: > 0 } folder ? folder + "/" : null;

    private WorkItem Item(string path, long size, WorkPart part = WorkPart.Whole, int tile = 0, int tiles = 0)
    {
        var spec = S.Spec!;
        // A restore item: whole entries only (the decoder tiles internally); the entry names its own model.
        if (spec.IsRestore())
            return new WorkItem(JobId, spec.Source, spec.Destination, path, size, "", spec.Rate, spec.TileSize, Verify: true, spec.MaxAttempts,
                Restore: new RestoreTarget(spec.Format?.Trim().ToLowerInvariant(), spec.Quality, spec.Overwrite));
        // A quality floor needs the decode verification does: it implies verify.
        var quality = QualityFloor.Of(spec);
        return new WorkItem(JobId, spec.Source, spec.Destination, path, size, S.ModelDigest!, Rate, spec.TileSize, spec.Verify || quality.HasFloor,
            spec.MaxAttempts, spec.SplitAbovePixels, part, tile, tiles, S.RefineSteps ?? spec.RefineSteps,
            // Whether the archive already holds the image is decided by the worker, which reads the original anyway and hashes it.
            SkipIfCurrent: part == WorkPart.Whole && spec.SkipExisting, Quality: quality, Effort: S.Effort, TargetMsSsim: spec.TargetMsSsim);
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
            if (IsParent) await ParentTickAsync(ct);
            else await CoordinateAsync(ct);
        }
        catch (InconsistentStateException)
        {
            DeactivateOnIdle();
        }
        if (S.Phase.IsTerminal() && timer is not null)
        {
            // A job failed by its lock while sharded: its shards stop writing to the destination.
            if (IsParent && shardStatus.Any(x => !x.Phase.IsTerminal())) await ForwardToShardsAsync();
            timer.Dispose();
            timer = null;
            await KeepAliveAsync(false);
            await ReleaseLockAsync();
        }
    }

    /// <summary>One coordinator's tick (a job of its own, or a shard): tiles, the next page, recovery, completion.</summary>
    private async Task CoordinateAsync(CancellationToken ct)
    {
        try
        {
            if (!S.Phase.IsTerminal() && S.Spec is not null) await RenewLockAsync(ct);
            var tiles = TakePendingTiles();
            if (tiles.Count > 0)
            {
                await queue.EnqueueAsync(tiles, ct);
                recovery.Sent(tiles, DateTime.UtcNow);
                await SaveAsync();
            }
            // Tiles of split images first: new images only when none wait.
            if (S.Phase == JobPhase.Enumerating && S.PendingTiles.Count == 0 && ListingDue())
                await ListNextPageAsync(ct);
            if (S.Phase.IsActive()) await RecoverAsync(ct);
            if (CheckCompletion()) await SaveAsync();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or NotSupportedException or LocationRefusedException)
        {
            logger.LogError(e, "Job {Job} cannot list its source", JobId);
            S.Phase = JobPhase.Failed;
            S.Error = $"cannot list the source: {FailureReason.ForUser(e)}";
            S.FinishedUtc = DateTime.UtcNow;
            StopClock();
            await SaveAsync();
        }
    }

    /// <summary>
    /// Renews the destination lock at a third of its time to live. A transient storage error is
    /// only logged (the next tick tries again, long before expiry); a lock found taken by another
    /// job (this coordinator was gone past the expiry) fails the job: two writers must never share a destination.
    /// </summary>
    private async Task RenewLockAsync(CancellationToken ct)
    {
        // A shard writes under its job's lock, which the job's grain holds.
        if (IsShard) return;
        if (DateTime.UtcNow - lockRenewedUtc < options.DestinationLockTtl / 3) return;
        DestinationLockResult held;
        try { held = await locks.TryAcquireAsync(S.Spec!.Destination, JobId, options.DestinationLockTtl, ct, HolderEndedAsync); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Job {Job}: renewing the destination lock failed: {Error}", JobId, e.Message);
            return;
        }
        if (held.Held)
        {
            lockRenewedUtc = DateTime.UtcNow;
            return;
        }
        logger.LogError("Job {Job} lost its destination {Destination} to job {Other}", JobId, S.Spec!.Destination, held.Holder);
        S.Phase = JobPhase.Failed;
        S.Error = $"lost the destination lock to job '{held.Holder}' (this job's coordinator was gone longer than the lock's {options.DestinationLockTtl})";
        S.FinishedUtc = DateTime.UtcNow;
        StopClock();
        await SaveAsync();
    }

    /// <summary>
    /// Whether the job holding a lock has ended in this cluster (its release may have failed, or its
    /// coordinator stopped before the lock was dropped). A job this cluster does not know (another
    /// cluster, or an embedded run in another process) is not taken as ended: its lock stands until it expires.
    /// </summary>
    private async Task<bool> HolderEndedAsync(string holder)
    {
        if (holder == JobId) return false;
        try { return (await GrainFactory.GetGrain<IArchiveJobGrain>(holder).GetPhaseAsync()).IsTerminal(); }
        catch (Exception e)
        {
            logger.LogInformation("Job {Job}: could not ask the destination's holder {Holder} for its phase: {Error}", JobId, holder, e.Message);
            return false;
        }
    }

    private async Task ReleaseLockAsync()
    {
        try
        {
            if (IsShard) return;
            await locks.ReleaseAsync(S.Spec!.Destination, JobId, CancellationToken.None);
        }
        catch (Exception e)
        {
            // It expires by itself; until then another job is refused with this job's id, which has ended.
            logger.LogWarning("Job {Job}: releasing the destination lock failed: {Error}", JobId, e.Message);
        }
        finally
        {
            endPublished = S.Phase.IsTerminal();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being called is the point: activation restarted the timer if the job is still going.
        if (S.Phase.IsTerminal() || S.Spec is null)
        {
            await KeepAliveAsync(false);
            // Ended while no timer ran (its activation went away first): the lock is still ours to drop.
            if (S.Spec is not null) await ReleaseLockAsync();
        }
        else EnsureTimer();
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

    /// <summary>
    /// Whether to list now: when a full page's worth of in-flight places is free (half of MaxInFlight
    /// when that is less), or some are and the window has not moved (no listing, no item finished) for
    /// ListingPause, so a window stalls only while its items do. Listing whenever one
    /// place was free (every tick) made one LIST call per item or two once the workers set the pace,
    /// and a LIST costs the store far more than a read: a billed list operation on Azure, a scan and
    /// sort of every blob it holds on Azurite (the 100,000-image scale run was bound by it). The
    /// workers never wait for it: at least MaxInFlight minus a page stay in flight.
    /// </summary>
    private bool ListingDue()
    {
        var now = DateTime.UtcNow;
        if (S.InFlight.Count != windowCount) (windowCount, windowMovedUtc) = (S.InFlight.Count, now);
        int room = options.MaxInFlight - S.InFlight.Count;
        int page = Math.Min(options.PageSize, Math.Max(1, options.MaxInFlight / 2));
        if (room < page && (room <= 0 || now - windowMovedUtc < options.ListingPause)) return false;
        windowMovedUtc = now;
        return true;
    }

    private async Task ListNextPageAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        // A folder restore lists the folder itself (the same for folders and blob prefixes; a cursor is the provider's own token).
        var prefix = spec.IsRestore() ? RestorePrefix(spec) : null;
        var source = blobs.OpenSource(prefix is null ? spec.Source : spec.Source.TrimEnd('/') + "/" + prefix.TrimEnd('/'));
        int room = Math.Min(options.PageSize, options.MaxInFlight - S.InFlight.Count);
        var page = await source.ListAsync(S.Cursor, room, ct);
        // A shard takes only its items: every shard lists the whole source (one LIST per page per shard) and none needs another's cursor.
        bool Mine(string path) => S.ShardCount < 2 || !IsShard || ShardStart.Of(path, S.ShardCount) == S.ShardIndex;
        List<WorkItem> items;
        if (spec.IsRestore())
        {
            // A restore job's items are the archive's entries: one per manifest (bitstreams, kept
            // originals and tool state are not entries of their own), named by their path in the archive.
            items = page.Items.Where(b => ArchiveNaming.IsManifest(b.Path))
                .Select(b => prefix + ArchiveNaming.SourceOfManifest(b.Path))
                .Where(p => Mine(p) && !S.InFlight.ContainsKey(p))
                .Select(p => Item(p, 0)).ToList();
        }
        else
        {
            // Sidecar files (JSON, XMP, text) sit beside photos in real archives: they are skipped,
            // not failed. A file with an image extension that does not decode still fails, with its reason.
            var listed = page.Items.Where(b => Mine(b.Path) && !S.InFlight.ContainsKey(b.Path)).ToList();
            var fresh = listed.Where(b => ImageIO.HasImageExtension(b.Path)).ToList();
            S.Skipped += listed.Count - fresh.Count;
            items = fresh.Select(b => Item(b.Path, b.Size)).ToList();
        }

        // Enqueue before saving the cursor: see the class comment.
        if (items.Count > 0) await queue.EnqueueAsync(items, ct);
        recovery.Sent(items, DateTime.UtcNow);
        foreach (var i in items) S.InFlight[i.Key] = false;
        S.Queued += items.Count;
        if (page.Cursor is null)
        {
            S.ListingComplete = true;
            S.Phase = JobPhase.Running;
        }
        else S.Cursor = page.Cursor;
        await SaveAsync();
    }

    /// <summary>Enqueues again the items in flight that the queue lost or a worker sits on (see <see cref="InFlightRecovery"/>).</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        var spec = S.Spec!;
        var (items, why) = await recovery.DueAsync(JobId, S.InFlight, queue, options, DateTime.UtcNow, async key =>
        {
            var (path, part, tile) = InFlightRecovery.Parse(key);
            int tiles = part == WorkPart.Whole ? 0 : await InFlightRecovery.TileCountAsync(blobs, codec, spec.Source, path, spec.TileSize, tile, ct);
            // Resent: a delivery of this copy that finds the entry current finds what the lost copy wrote (done, not skipped).
            var item = Item(path, 0, part, tile, tiles) with { Resent = true };
            // An assembly takes exactly the parts its tiles' outcomes counted.
            return part == WorkPart.Assemble && S.TileSha256.TryGetValue(path, out var hashes) ? item with { TileSha256 = hashes } : item;
        }, ct);
        if (items.Count == 0) return;
        await queue.EnqueueAsync(items, ct);
        logger.LogWarning("Job {Job}: {Count} item(s) enqueued again: {Why}", JobId, items.Count, why);
    }

    /// <summary>Moves to Done/Cancelled when nothing is left; true when the phase changed.</summary>
    private bool CheckCompletion()
    {
        if (S.InFlight.Count > 0) return false;
        if (S.PendingTiles.Count > 0 && S.Phase != JobPhase.Cancelling) return false;
        if (S.Phase == JobPhase.Cancelling)
        {
            // Nothing of these images is in flight any more: each is cancelled once.
            S.Cancelled += S.PendingTiles.Count;
            S.PendingTiles.Clear();
        }
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
            Phase = S.Phase.IsTerminal() && !endPublished ? (S.Phase == JobPhase.Cancelled ? JobPhase.Cancelling : JobPhase.Running) : S.Phase,
            Queued = S.Queued,
            Running = S.InFlight.Values.Count(v => v),
            Done = S.Done,
            Failed = S.Failed,
            Skipped = S.Skipped,
            LeftAlone = S.LeftAlone,
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
            FailuresRecorded = S.FailuresSpilled + S.Failures.Count,
            Cursor = S.ListingComplete ? null : S.Cursor,
            ListingComplete = S.ListingComplete,
            StartedUtc = S.StartedUtc,
            FinishedUtc = S.FinishedUtc,
            ActiveTime = active,
            ModelId = S.ModelId,
            ModelDigest = S.ModelDigest,
            Rate = S.Spec is null || S.Spec.IsRestore() ? null : Rate,
            Error = S.Error,
            HostSilo = hostSilo,
            Outstanding = S.InFlight.Count,
            DuplicateReports = S.DuplicateReports,
            SplitImages = S.SplitImages,
            TilesDone = S.TilesDone,
            KeptOriginal = S.KeptOriginal,
            ChosenRates = S.ChosenRates.OrderBy(kv => kv.Key).Select(kv => new RateCount(kv.Key, kv.Value)).ToList(),
            TargetMissed = S.TargetMissed,
            CoordinatorSilos = [hostSilo],
        };
    }
}
