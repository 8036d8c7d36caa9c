using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Contracts.Work;

/// <summary>
/// One unit of work. Self-contained, so a worker needs no call to the coordinator to do it; the
/// model is pinned by digest so every silo writes with the same weights. Most items are whole
/// images (Part = Whole). An image above the job's split threshold becomes TileCount tile items
/// (any silo may encode any tile) and, once all are in, one Assemble item that writes the .hific.
/// SkipIfCurrent: the worker first checks the archive's entry and reports Current, writing
/// nothing, when it is provably current (source and bitstream hashes, settings). TileSha256
/// (Assemble only): the SHA-256 of each tile part the coordinator counted, in tile order.
/// Effort: the job's resolved effort level (null for an explicit step count); RefineSteps are its steps.
/// Restore (restore jobs, issue 19): set when the item restores an archive entry instead of compressing an original.
/// TargetMsSsim: constant quality, the rate is chosen per image (Rate is then unused).
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.WorkItem.v1")]
public sealed record WorkItem(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Source,
    [property: Id(2)] string Destination,
    [property: Id(3)] string SourcePath,
    [property: Id(4)] long SourceSize,
    [property: Id(5)] string ModelDigest,
    [property: Id(6)] double Rate,
    [property: Id(7)] int TileSize,
    [property: Id(8)] bool Verify,
    [property: Id(9)] int MaxAttempts,
    [property: Id(10)] long SplitAbovePixels = 0,
    [property: Id(11)] WorkPart Part = WorkPart.Whole,
    [property: Id(12)] int Tile = 0,
    [property: Id(13)] int TileCount = 0,
    [property: Id(14)] int RefineSteps = 0,
    [property: Id(30)] bool SkipIfCurrent = false,
    [property: Id(31)] IReadOnlyList<string>? TileSha256 = null,
    [property: Id(32)] bool Resent = false,
    [property: Id(15)] QualityFloor? Quality = null,
    [property: Id(33)] string? Effort = null,
    [property: Id(90)] RestoreTarget? Restore = null,
    [property: Id(70)] double? TargetMsSsim = null)
{
    /// <summary>The coordinator's key for this item: the path, plus the tile or assembly step.</summary>
    public string Key => WorkKeys.For(SourcePath, Part, Tile);
}
