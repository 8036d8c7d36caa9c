using System.Runtime.CompilerServices;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// A restore streamed to its caller (see <see cref="IRestoreStreamGrain"/>): one activation per
/// restore, on the caller's silo where possible (the web host's, or the CLI's gateway), gone when
/// the stream ends. What stays buffered here: the decoded pixels (the generator decodes the image,
/// or region, whole before any encoder runs) and the encoded image (the head announces its exact
/// length and ETag, and an error must still be able to become an HTTP status before any byte is sent).
/// What crosses to the caller is chunks of <see cref="ChunkBytes"/>, one per message.
/// </summary>
[PreferLocalPlacement]
public sealed class RestoreStreamGrain(IImageCodec codec, IBlobStoreFactory blobs, IOptions<RestoreOptions> options, ILogger<RestoreStreamGrain> logger)
    : Grain, IRestoreStreamGrain
{
    /// <summary>1 MiB: a 12-megapixel PNG (~20-30 MB) is a few dozen messages, none near Orleans' message size limit.</summary>
    public const int ChunkBytes = 1 << 20;

    public async IAsyncEnumerable<RestoreChunk> RestoreAsync(RestoreRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            var image = await RestoreRun.RunAsync(codec, blobs, options.Value, logger, request, ct);
            var bytes = image.Png;
            yield return new RestoreChunk([], image with { Png = [] }, bytes.Length);
            for (int at = 0; at < bytes.Length; at += ChunkBytes)
            {
                // Yielding first makes each chunk its own answer: Orleans batches only elements that are ready at once.
                await Task.Yield();
                yield return new RestoreChunk(bytes.AsSpan(at, Math.Min(ChunkBytes, bytes.Length - at)).ToArray());
            }
        }
        finally
        {
            // One restore per activation: nothing to keep it for.
            DeactivateOnIdle();
        }
    }
}
