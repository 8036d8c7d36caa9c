namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>Which archived image (archive location + the original's path) and optionally which region. An image stored as its
/// original comes back as those bytes, unless a region is asked for or <c>AsPng</c> is set: then it is decoded to PNG.</summary>
/// <param name="MaxPixels">The caller's own pixel limit (the web host's MaxRestorePixels); 0 = only the
/// silo's. The silo applies the smaller, to the size in the file's header. A field added later: older
/// senders leave it 0.</param>
/// <param name="Format">"png", "jpeg" or "webp"; null = PNG (or, for an original kept as it was, its own bytes).
/// Fields 5-9 were added later: older senders leave them null and get what they always got.</param>
/// <param name="Quality">1..100 for jpeg/webp; null = the format's default.</param>
/// <param name="Width">Largest output width (aspect kept, never enlarged); null = full size.</param>
/// <param name="Height">Largest output height; null = full size.</param>
/// <param name="IfNoneMatch">The caller's cached entity tags (an HTTP If-None-Match value): when one is the
/// restore's <see cref="RestoredImage.ETag"/>, the silo answers NotModified without decoding.</param>
[GenerateSerializer, Immutable, Alias("hific.RestoreRequest.v1")]
public sealed record RestoreRequest(
    [property: Id(0)] string Archive,
    [property: Id(1)] string SourcePath,
    [property: Id(2)] ImageRegion? Region = null,
    [property: Id(3)] long MaxPixels = 0,
    [property: Id(4)] bool AsPng = false,
    [property: Id(5)] string? Format = null,
    [property: Id(6)] int? Quality = null,
    [property: Id(7)] int? Width = null,
    [property: Id(8)] int? Height = null,
    [property: Id(9)] string? IfNoneMatch = null);
