namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>Bound from "HiFiC:Jobs".</summary>
public sealed class JobOptions
{
    public const string Section = "HiFiC:Jobs";

    /// <summary>Source blobs listed per page.</summary>
    public int PageSize { get; set; } = 256;

    /// <summary>
    /// Items handed out and not yet finished, at most. Bounds the coordinator's state (it tracks
    /// each one to count it exactly once) and the queue's length; enumeration runs ahead of the
    /// workers by this much.
    /// </summary>
    public int MaxInFlight { get; set; } = 1024;

    /// <summary>How often the coordinator lists the next page and checks for completion.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A coordinator lists when a page's worth of in-flight places is free (half of MaxInFlight, if
    /// less), or when fewer are free and its window has not moved (no listing, no item finished) for
    /// this long: a window whose items are stuck still fills (e.g. the last 44 places of a 300-item
    /// window after a page of 256), while items that keep finishing never cause a small LIST.
    /// </summary>
    public TimeSpan ListingPause { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Period of the reminder that reactivates a coordinator whose silo died while nothing was in flight (Orleans' minimum is 1 minute).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a job's lock on its destination lasts unless renewed (the coordinator renews it at a
    /// third of this). After a coordinator died for longer, another job may take the destination.
    /// Must be well above <see cref="KeepAlive"/>, which brings a dead coordinator back.
    /// </summary>
    public TimeSpan DestinationLockTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failures kept with their reasons in the job's state (the count is always exact). When the state
    /// holds this many, the oldest half is written as a page to the destination
    /// (.hific-failures/&lt;job&gt;/) and paged through IArchiveJobGrain.GetFailuresAsync: the state
    /// stays bounded (an Azure Table entity holds 1 MB) however many images fail.
    /// </summary>
    public int MaxRecordedFailures { get; set; } = 200;

    /// <summary>
    /// Tiles of split images whose part hashes (TileSha256, ~70 bytes each in state) the coordinator
    /// holds at once: a split image's tiles start going out only while the images already open stay
    /// under this (one image always may, however many tiles it has). Bounds the state whatever the
    /// number of huge images in the source (issue 22).
    /// </summary>
    public int MaxOpenTiles { get; set; } = 4096;

    /// <summary>An item started this long ago with no outcome is enqueued again (its worker may hang while renewing its lease). See InFlightRecovery.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the coordinator checks that the queue still holds its items (also on activation and resume). See InFlightRecovery.</summary>
    public TimeSpan LossCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
