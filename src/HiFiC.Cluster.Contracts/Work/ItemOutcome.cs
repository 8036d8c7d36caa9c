namespace HiFiC.Cluster.Contracts.Work;

/// <summary>
/// What happened to one item (one delivery of it). SourcePath holds the item's key (see <see cref="WorkKeys"/>).
/// TileSha256 (TileDone only) is the SHA-256 of the stored tile part: the coordinator hands it to the assembly item.
/// ChosenRate / TargetMissed (Done, constant-quality jobs only): the rate the image was coded at, and whether it fell short of the target.
/// LeftAlone (Current, restore jobs only): the output name held a file this system did not write (or one changed since), so nothing was written.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.ItemOutcome.v1")]
public sealed record ItemOutcome(
    [property: Id(0)] string SourcePath,
    [property: Id(1)] OutcomeKind Kind,
    [property: Id(2)] long BytesIn = 0,
    [property: Id(3)] long BytesOut = 0,
    [property: Id(4)] long Pixels = 0,
    [property: Id(5)] string? Reason = null,
    [property: Id(6)] int Attempts = 0,
    [property: Id(7)] int TileCount = 0,
    [property: Id(30)] string? TileSha256 = null,
    [property: Id(8)] bool KeptOriginal = false,
    [property: Id(70)] double? ChosenRate = null,
    [property: Id(71)] bool TargetMissed = false,
    [property: Id(72)] bool LeftAlone = false);
