namespace HiFiC.Cluster.Contracts.Work;

[GenerateSerializer, Alias("hific.OutcomeKind")]
public enum OutcomeKind
{
    Started = 0,
    Done = 1,
    Failed = 2,
    /// <summary>Dropped because the job was cancelled.</summary>
    Cancelled = 3,
    /// <summary>The image is too large for one item: the coordinator should hand out TileCount tile items.</summary>
    Split = 4,
    /// <summary>One tile of a split image is encoded and stored.</summary>
    TileDone = 5,
    /// <summary>The archive already holds a current entry for the image (skip-existing proved it by hashes): nothing was written.</summary>
    Current = 6,
}
