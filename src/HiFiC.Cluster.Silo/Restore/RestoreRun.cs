using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Entries;
using HiFiC.Cluster.Silo.Storage;
using HiFiC.Codec.Imaging.Output;
using Microsoft.Extensions.Logging;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// One restore on demand. The decode runs in the model pool, never on a grain's scheduler thread.
/// Sizes are checked on the file's header before decoding, and the decode stops when the caller
/// cancels or the restore's time limit passes.
/// </summary>
internal static class RestoreRun
{
    public static async Task<RestoredImage> RunAsync(IImageCodec codec, IBlobStoreFactory blobs, RestoreOptions o, ILogger logger, RestoreRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(o.Timeout);
        try
        {
            var archive = blobs.OpenSource(request.Archive);
            var path = BlobPaths.Normalize(request.SourcePath);
            // Parameters first: a bad format or size is the caller's error, found before any storage read.
            RestoreOutput.Of(request, original: false);
            // A cached copy that is still current costs one manifest read: no bitstream read, no decode.
            if (request.IfNoneMatch is not null && await ArchiveEntries.TryReadManifestAsync(archive, path, deadline.Token) is { } current)
            {
                var tag = RestoreOutput.ETag(current, request);
                if (RestoreOutput.Matches(request.IfNoneMatch, tag))
                    return new RestoredImage([], current.Width, current.Height, current.LatentHash, current.ModelId, current.IsOriginal, ETag: tag, NotModified: true);
            }
            // Through the manifest, with the stored bytes checked against its SHA-256: a damaged or mixed
            // entry is refused with the reason (InvalidDataException), never decoded into a wrong image.
            var entry = await ArchiveEntries.ReadAsync(archive, path, deadline.Token);
            var etag = RestoreOutput.ETag(entry.Manifest, request);
            // An image kept as its original comes back as those bytes (or decoded, in the format asked for).
            if (entry.Manifest.IsOriginal) return await OriginalRestore.RestoreAsync(entry, path, request, etag, deadline.Token);
            // The pixel limits bound what is decoded (the whole image or the region), resized or not.
            RestoreLimits.Check(entry.Bitstream, request, o.MaxPixels);
            var output = RestoreOutput.Of(request, original: false)!;
            using var bytes = new MemoryStream();
            var outcome = await codec.RestoreAsync(new MemoryStream(entry.Bitstream, writable: false), bytes, request.Region, output, deadline.Token);
            return new RestoredImage(bytes.ToArray(), outcome.Width, outcome.Height, outcome.LatentHash, outcome.ModelId,
                ContentType: OutputFormats.ContentType(output.Format), ETag: etag);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Restore of {Path} stopped after its time limit of {Timeout}", request.SourcePath, o.Timeout);
            throw new RestoreLimitException($"the restore took longer than its time limit ({o.Timeout}) and was stopped", timedOut: true);
        }
    }
}
