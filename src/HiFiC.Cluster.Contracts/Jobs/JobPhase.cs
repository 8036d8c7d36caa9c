namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>Where a job is in its life. Values are persisted: append only, never renumber.</summary>
[GenerateSerializer, Alias("hific.JobPhase")]
public enum JobPhase
{
    /// <summary>No job has been started under this id.</summary>
    None = 0,
    /// <summary>Listing the source page by page while workers already process what was listed.</summary>
    Enumerating = 1,
    /// <summary>Everything is listed; waiting for the last items.</summary>
    Running = 2,
    /// <summary>No new items are handed out; items already being compressed still finish.</summary>
    Paused = 3,
    /// <summary>Queued items are being dropped; ends in <see cref="Cancelled"/>.</summary>
    Cancelling = 4,
    Cancelled = 5,
    Done = 6,
    /// <summary>The job itself could not run (bad source, unknown model); item failures do not fail the job.</summary>
    Failed = 7,
}

public static class JobPhaseExtensions
{
    public static bool IsTerminal(this JobPhase phase) => phase is JobPhase.Done or JobPhase.Cancelled or JobPhase.Failed;
    public static bool IsActive(this JobPhase phase) => phase is JobPhase.Enumerating or JobPhase.Running;
}
