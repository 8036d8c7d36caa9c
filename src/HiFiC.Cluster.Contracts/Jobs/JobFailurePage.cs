namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// A slice of a job's failures, oldest first: <see cref="Failures"/> starts at <see cref="Offset"/>
/// of <see cref="Recorded"/> failures with reasons (the job's Failed count is always exact; failures
/// of jobs started before issue 22 beyond the old in-state cap were dropped, not recorded).
/// </summary>
[GenerateSerializer, Immutable, Alias("hific.JobFailurePage.v1")]
public sealed record JobFailurePage(
    [property: Id(0)] IReadOnlyList<JobFailure> Failures,
    [property: Id(1)] long Offset,
    [property: Id(2)] long Recorded);
