namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>
/// A restore answered as a stream: first a head (the <see cref="RestoredImage"/> without its
/// bytes, with their length), then the bytes in chunks. Use a new key per restore (Guid.NewGuid()):
/// the activation lives for one restore, on the caller's silo where it can be (prefer-local).
/// <para>
/// Why a stream: Orleans answers an IAsyncEnumerable call by long polling, with a heartbeat every
/// half response timeout while the decode runs, so a restore may take longer than the response
/// timeout (a 12-megapixel image on a CPU takes minutes; the default timeout is 30 s); and the bytes
/// cross in chunks, so no single message holds a whole large image. The decode's own limit is the
/// silo's HiFiC:Restore:Timeout. A caller's ResponseTimeout must be above half the silo's.
/// </para>
/// Not on the stateless <see cref="IRestoreGrain"/>: calls to a stateless worker's enumerator may be
/// routed to another of its activations, which does not hold the enumeration.
/// </summary>
[Alias("hific.IRestoreStreamGrain")]
public interface IRestoreStreamGrain : IGrainWithGuidKey
{
    /// <summary>Errors (<see cref="RestoreLimitException"/>, FileNotFoundException, InvalidDataException...) come
    /// from the first MoveNext, before the head: the whole image is encoded before anything is sent.</summary>
    [Alias("RestoreStream")] IAsyncEnumerable<RestoreChunk> RestoreAsync(RestoreRequest request, CancellationToken ct = default);
}

/// <summary>One element of a streamed restore: the head (first element only: the image's description, its Png empty, and the byte count), or bytes.</summary>
[GenerateSerializer, Immutable, Alias("hific.RestoreChunk.v1")]
public sealed record RestoreChunk(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] RestoredImage? Head = null,
    [property: Id(2)] long Length = 0);

/// <summary>Reading a streamed restore.</summary>
public static class RestoreStreams
{
    /// <summary>The head of <paramref name="chunks"/> (the enumerator is left on it); throws what the silo threw.</summary>
    public static async Task<(RestoredImage Head, long Length)> ReadHeadAsync(IAsyncEnumerator<RestoreChunk> chunks)
    {
        if (!await chunks.MoveNextAsync() || chunks.Current.Head is not { } head)
            throw new InvalidDataException("the restore stream ended without its head");
        return (head, chunks.Current.Length);
    }

    /// <summary>The rest of the bytes after the head, written to <paramref name="output"/> chunk by chunk; checks the count.</summary>
    public static async Task CopyToAsync(IAsyncEnumerator<RestoreChunk> chunks, long length, Stream output, CancellationToken ct)
    {
        long written = 0;
        while (await chunks.MoveNextAsync())
        {
            await output.WriteAsync(chunks.Current.Data, ct);
            written += chunks.Current.Data.Length;
        }
        if (written != length) throw new InvalidDataException($"the restore stream carried {written} bytes, its head announced {length}");
    }

    /// <summary>The whole restore in memory (for callers that need the bytes anyway, e.g. to write a file atomically).</summary>
    public static async Task<RestoredImage> ReadAllAsync(IAsyncEnumerable<RestoreChunk> stream, CancellationToken ct = default)
    {
        await using var chunks = stream.GetAsyncEnumerator(ct);
        var (head, length) = await ReadHeadAsync(chunks);
        if (head.NotModified) return head;
        using var bytes = new MemoryStream((int)Math.Min(length, int.MaxValue));
        await CopyToAsync(chunks, length, bytes, ct);
        return head with { Png = bytes.ToArray() };
    }
}
