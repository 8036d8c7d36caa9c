namespace HiFiC.Cluster.Contracts.Work;

/// <summary>Which step of an image an item is. Persisted in queues: append only.</summary>
[GenerateSerializer, Alias("hific.WorkPart")]
public enum WorkPart
{
    Whole = 0,
    Tile = 1,
    Assemble = 2,
}
