namespace HiFiC.Cluster.Contracts.Work;

/// <summary>
/// Makes a <see cref="WorkItem"/> a restore (a job of kind restore): decode the archive entry of
/// SourcePath from the item's Source (the archive) and write it to its Destination in this format.
/// Format null = PNG, and an entry kept as its original comes back as its own bytes.
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.RestoreTarget.v1")]
public sealed record RestoreTarget(
    [property: Id(0)] string? Format,
    [property: Id(1)] int? Quality,
    [property: Id(2)] bool Overwrite);
