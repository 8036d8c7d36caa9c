namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>Which archived image (archive location + the original's path) and optionally which region. An image stored as its
/// original comes back as those bytes, unless a region is asked for or <c>AsPng</c> is set: then it is decoded to PNG.</summary>
/// <param name="MaxPixels">The caller's own pixel limit (the web host's MaxRestorePixels); 0 = only the
/// silo's. The silo applies the smaller, to the size in the file's header. A field added later: older
/// senders leave it 0.</param>
[GenerateSerializer, Immutable, Alias("hific.RestoreRequest.v1")]
public sealed record RestoreRequest(
    [property: Id(0)] string Archive,
    [property: Id(1)] string SourcePath,
    [property: Id(2)] ImageRegion? Region = null,
    [property: Id(3)] long MaxPixels = 0,
    [property: Id(4)] bool AsPng = false);
