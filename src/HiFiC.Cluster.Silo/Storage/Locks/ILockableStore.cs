namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>A blob store that can hold a <see cref="ILockFile"/> (folders and Azure Blob both can).</summary>
public interface ILockableStore
{
    ILockFile OpenLockFile(string path);
}
