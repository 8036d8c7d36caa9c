namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>Which archived image (archive location + the original's path) and optionally which region.</summary>
[GenerateSerializer, Immutable, Alias("hific.RestoreRequest.v1")]
public sealed record RestoreRequest(
    [property: Id(0)] string Archive,
    [property: Id(1)] string SourcePath,
    [property: Id(2)] ImageRegion? Region = null);
