namespace HiFiC.Cluster.Silo.Jobs;

/// <summary>Names of the Orleans providers the archive grains use; hosts register storage under these.</summary>
public static class ArchiveStorage
{
    /// <summary>Grain storage for coordinator state. Must outlive a silo in a multi-silo cluster.</summary>
    public const string JobStore = "hific-jobs";
}
