using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Silo.Embedded;

/// <summary>What an archive restore wrote. Failures name the source path and the reason.</summary>
public sealed record RestoreSummary(long Restored, long BytesWritten, IReadOnlyList<JobFailure> Failures, TimeSpan Elapsed);

/// <summary>Restore progress: images restored and failed so far.</summary>
public sealed record RestoreProgress(long Restored, long Failed, string? Current);
