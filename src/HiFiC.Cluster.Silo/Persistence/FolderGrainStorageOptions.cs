namespace HiFiC.Cluster.Silo.Persistence;

public sealed class FolderGrainStorageOptions
{
    /// <summary>Where state files go. Silos that share it share grain state (one machine, or a shared volume).</summary>
    public string Folder { get; set; } = "";
}
