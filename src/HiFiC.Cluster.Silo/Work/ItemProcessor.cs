using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Contracts.Work;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Monitoring;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>
/// One delivery of one item: fetch the original, compress, commit the entry (bitstream, then the
/// manifest that names it: see <see cref="ArchiveEntries"/>), and hand the outcome (with the
/// message to settle) to the reporter. What it writes depends only on the item, so a redelivery
/// on the same kind of hardware rewrites identical bytes.
/// </summary>
public sealed class ItemProcessor(
    IImageCodec codec, IBlobStoreFactory blobs, IWorkQueue queue, JobPhaseCache phases, ProgressReporter reporter,
    SiloCounters counters, IOptions<WorkerOptions> workerOptions, IOptions<WorkQueueOptions> queueOptions, ILogger<ItemProcessor> logger,
    IOptions<Restore.RestoreOptions> restoreOptions)
{
    private readonly WorkerOptions options = workerOptions.Value;

    public async Task ProcessAsync(WorkLease lease, CancellationToken ct)
    {
        var item = lease.Item;
        var phase = await phases.GetAsync(item.JobId);
        switch (phase)
        {
            case JobPhase.Paused:
                // Not an attempt: the item did nothing wrong.
                await queue.ReleaseAsync(lease, options.PausedRetryDelay, countsAsAttempt: false, ct);
                return;
            case JobPhase.Cancelling or JobPhase.Cancelled:
                reporter.Post(item.JobId, new ItemOutcome(item.Key, OutcomeKind.Cancelled), lease);
                return;
            case JobPhase.None or JobPhase.Done or JobPhase.Failed:
                // A stale duplicate of a finished job, or a job that never existed: nothing to do.
                await queue.CompleteAsync(lease, ct);
                return;
        }

        reporter.Post(item.JobId, new ItemOutcome(item.Key, OutcomeKind.Started));
        var held = new LeaseHolder(lease);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = RenewWhileWorkingAsync(held, renewal.Token);
        counters.ItemStarted();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var done = await ArchiveAsync(item, ct, lease.DeliveryCount);
            counters.ItemDone(done.Kind.ToString().ToLowerInvariant(), done.Pixels, clock.Elapsed);
            await StopRenewalAsync();
            reporter.Post(item.JobId, done with { Attempts = lease.DeliveryCount }, held.Current);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The silo is stopping: hand the item back at once (no attempt spent) so another silo
            // takes it now rather than after the visibility timeout; if that fails, the timeout does it.
            await StopRenewalAsync();
            try
            {
                await queue.ReleaseAsync(held.Current, TimeSpan.Zero, countsAsAttempt: false, CancellationToken.None);
                logger.LogInformation("Item {Path} of job {Job} handed back on stop", item.SourcePath, item.JobId);
            }
            catch (Exception e) { logger.LogInformation("Item {Path} left leased on stop: {Error}", item.SourcePath, e.Message); }
        }
        catch (CodecInputException e)
        {
            await StopRenewalAsync();
            counters.ItemFailed();
            logger.LogWarning("Item {Path} of job {Job} failed: {Reason}", item.SourcePath, item.JobId, e.Message);
            reporter.Post(item.JobId, new ItemOutcome(item.Key, OutcomeKind.Failed, Reason: Jobs.FailureReason.ForUser(e), Attempts: lease.DeliveryCount), held.Current);
        }
        catch (Exception e)
        {
            await StopRenewalAsync();
            if (lease.DeliveryCount >= item.MaxAttempts)
            {
                // The job's status shows a user message; the exception itself goes to the log only.
                var reason = $"gave up after {lease.DeliveryCount} attempt(s): {Jobs.FailureReason.ForUser(e)}";
                counters.ItemFailed();
                logger.LogWarning(e, "Item {Path} of job {Job} is poison: {Reason}", item.SourcePath, item.JobId, reason);
                reporter.Post(item.JobId, new ItemOutcome(item.Key, OutcomeKind.Failed, Reason: reason, Attempts: lease.DeliveryCount), held.Current);
            }
            else
            {
                logger.LogInformation("Item {Path} attempt {Attempt} failed ({Error}); retrying", item.SourcePath, lease.DeliveryCount, e.Message);
                HificMetrics.ItemRetried();
                await queue.ReleaseAsync(held.Current, options.RetryDelay * lease.DeliveryCount, countsAsAttempt: true, ct);
            }
        }
        finally
        {
            counters.ItemEnded();
            await StopRenewalAsync();
        }

        // The renewal must end before the lease is handed on: a renewal racing a completion
        // would leave the completion holding a receipt the queue no longer honours.
        async Task StopRenewalAsync()
        {
            renewal.Cancel();
            await renewing;
        }
    }

    /// <summary>The current receipt of a lease that renewals may replace.</summary>
    private sealed class LeaseHolder(WorkLease lease)
    {
        public WorkLease Current = lease;
    }

    /// <summary>
    /// Does one item: a whole image (compressed, or split when above the job's threshold), one
    /// tile of a split image, or the assembly of a split image. Returns the outcome to report.
    /// </summary>
    /// <param name="delivery">Which attempt this is (1 = first): with a manifest that names no job, a redelivered item that finds its entry current was archived by its own earlier delivery.</param>
    public async Task<ItemOutcome> ArchiveAsync(WorkItem item, CancellationToken ct, int delivery = 1)
    {
        // Restore jobs share the queue, leases, retries and progress; only the work differs.
        if (item.Restore is { } restore)
            return await Restore.RestoreItem.RunAsync(item, restore, codec, blobs, restoreOptions.Value.MaxPixels, delivery, ct);
        var source = blobs.OpenSource(item.Source);
        var destination = blobs.OpenStore(item.Destination);
        var original = await source.TryReadAllAsync(item.SourcePath, ct)
            ?? throw new CodecInputException($"source vanished: {item.SourcePath}");
        var request = new CompressRequest(item.ModelDigest, item.Rate, item.TileSize, KeepOriginalPolicy.MustVerify(item), item.RefineSteps,
            TargetMsSsim: item.TargetMsSsim);
        // Issue 17: animations, multi-page TIFF and CMYK are stored as they are, never cut down.
        var kept = KeepOriginalPolicy.BeforeCompressing(item, original);

        if (item.Part == WorkPart.Whole && item.SkipIfCurrent)
        {
            var (current, why) = await ArchiveEntries.CheckCurrentAsync(destination, item.SourcePath, original, EntrySettings.Of(item), ct);
            if (current is not null)
            {
                // An entry this job wrote was written by an earlier delivery of this item whose outcome
                // never arrived (its silo died, or it was handed back uncounted after committing): the
                // image is done by this job, not skipped. Older manifests name no job: then a redelivery
                // (one writer per destination) stands for the same thing.
                bool ownWrite = current.JobId is { } writer ? writer == item.JobId : delivery > 1 || item.Resent;
                return ownWrite
                    ? new ItemOutcome(item.Key, OutcomeKind.Done, original.Length, current.OutputSize, (long)current.Width * current.Height, KeptOriginal: current.IsOriginal)
                    : new ItemOutcome(item.Key, OutcomeKind.Current, BytesIn: original.Length);
            }
            logger.LogDebug("{Path} is archived again: {Reason}", item.SourcePath, why);
        }

        switch (item.Part)
        {
            case WorkPart.Whole:
                // Header only: an image bomb (a small file claiming 100k x 100k) is refused before
                // it is decoded or split into tiles.
                var shape = await codec.IdentifyAsync(new MemoryStream(original, writable: false), item.TileSize, ct);
                ImageSizeGuard.Check(shape, options.MaxImagePixels);
                // A quality target chooses one rate for the whole image: such images are coded whole.
                if (kept is null && item.TargetMsSsim is null && item.SplitAbovePixels > 0 && shape.Pixels > item.SplitAbovePixels && shape.Tiles > 1)
                    return new ItemOutcome(item.Key, OutcomeKind.Split, BytesIn: original.Length, TileCount: shape.Tiles);
                break;
            case WorkPart.Tile:
                var part = await codec.CompressTileAsync(new MemoryStream(original, writable: false), item.Tile, request, ct);
                var partSha = ArchiveEntries.Sha256(part);
                await destination.WriteAsync(ArchiveNaming.TilePart(item.JobId, item.SourcePath, item.Tile, partSha), part, ct);
                return new ItemOutcome(item.Key, OutcomeKind.TileDone, BytesIn: original.Length, TileCount: item.TileCount, TileSha256: partSha);
        }

        using var encoded = new MemoryStream();
        CompressOutcome result;
        if (kept is not null)
        {
            result = await KeepOriginalPolicy.DescribeOriginalAsync(codec, item, original, ct);
        }
        else if (item.Part == WorkPart.Assemble)
        {
            var hashes = item.TileSha256 is { } h && h.Count == item.TileCount ? h
                : throw new CodecInputException($"the assembly item of {item.SourcePath} lacks its tiles' hashes");
            var parts = new byte[item.TileCount][];
            for (int t = 0; t < parts.Length; t++)
                parts[t] = await destination.TryReadAllAsync(ArchiveNaming.TilePart(item.JobId, item.SourcePath, t, hashes[t]), ct)
                    ?? throw new IOException($"tile {t} of {item.SourcePath} is missing from the archive's scratch area");
            // The codec checks every part against these hashes before it concatenates anything.
            result = await codec.AssembleAsync(new MemoryStream(original, writable: false), parts, encoded, request with { TileSha256 = hashes }, ct);
        }
        else
        {
            result = await codec.CompressAsync(new MemoryStream(original, writable: false), encoded, request, ct);
        }
        var bitstream = encoded.ToArray();
        // Never bigger (or, with a floor, worse) than the original: then the original's bytes are the entry.
        kept ??= KeepOriginalPolicy.AfterCompressing(item, original.Length, bitstream.Length, result);
        if (kept is not null) bitstream = original;
        var outputSha = ArchiveEntries.Sha256(bitstream);
        // The commit reads the entry back and checks it against these hashes, so storage returning
        // other bytes than were written fails the item whether or not the job verifies. It also
        // removes the blob of the entry it replaces (a .hific replaced by a kept original, or back).
        var preferred = kept is null ? ArchiveNaming.Bitstream(item.SourcePath) : ArchiveNaming.Original(item.SourcePath);
        await ArchiveEntries.CommitAsync(destination, item.SourcePath, preferred, bitstream, output => new ArchiveManifest
        {
            SourcePath = item.SourcePath,
            SourceSize = original.Length,
            SourceSha256 = ArchiveEntries.Sha256(original),
            Output = output,
            OutputSize = bitstream.Length,
            OutputSha256 = outputSha,
            ModelId = result.ModelId,
            ModelDigest = result.ModelDigest,
            Rate = result.ChosenRate ?? item.Rate,
            TargetMsSsim = item.TargetMsSsim,
            TargetReached = kept is null ? result.TargetReached : null,
            TileSize = item.TileSize,
            RefineSteps = item.RefineSteps,
            Effort = item.Effort,
            Width = result.Width,
            Height = result.Height,
            Tiles = kept is null ? result.Tiles : 0,
            Bpp = bitstream.Length * 8.0 / ((double)result.Width * result.Height),
            LatentHash = kept is null ? result.LatentHash : "",
            Verified = kept is null ? result.Verified : request.Verify,
            Psnr = kept is null ? result.Psnr : null,
            MsSsim = kept is null ? result.MsSsim : null,
            WorstTilePsnr = kept is null ? result.WorstTilePsnr : null,
            WorstTileMsSsim = kept is null ? result.WorstTileMsSsim : null,
            StoredAs = kept is null ? null : ArchiveManifest.StoredAsOriginal,
            KeptReason = kept,
            JobId = item.JobId,
        }, ct);
        if (item.Part == WorkPart.Assemble)
            for (int t = 0; t < item.TileCount; t++)
                await destination.DeleteAsync(ArchiveNaming.TilePart(item.JobId, item.SourcePath, t, item.TileSha256![t]), ct);
        return new ItemOutcome(item.Key, OutcomeKind.Done, original.Length, bitstream.Length, (long)result.Width * result.Height, KeptOriginal: kept is not null,
            ChosenRate: kept is null ? result.ChosenRate : null, TargetMissed: kept is null && result.TargetReached == false);
    }

    private async Task RenewWhileWorkingAsync(LeaseHolder held, CancellationToken ct)
    {
        var visibility = queueOptions.Value.VisibilityTimeout;
        var wait = visibility / 3;
        try
        {
            while (true)
            {
                await Task.Delay(wait, ct);
                try
                {
                    // Not cancellable once sent: the new receipt must be recorded or the lease is orphaned.
                    var renewed = await queue.RenewAsync(held.Current, visibility, CancellationToken.None);
                    if (renewed is null) return; // lost: someone else has it now; our outcome still counts once
                    held.Current = renewed;
                    wait = visibility / 3;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // A transient error (storage blip): try again soon, within the time the lease has left.
                    logger.LogWarning("Renewing the lease of {Path} failed ({Error}); retrying", held.Current.Item.SourcePath, e.Message);
                    wait = visibility / 10;
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
