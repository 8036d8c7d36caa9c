namespace HiFiC.Cluster.Silo.Storage;

/// <summary>Opens a location named in a job spec: a folder path (or file:// URI) today; Azure Blob URIs plug in here.</summary>
public interface IBlobStoreFactory
{
    IBlobSource OpenSource(string location);
    IBlobStore OpenStore(string location);

    /// <summary>Throws <see cref="ArgumentException"/> when the destination lies inside the source (the job would archive its own output) or the source does not exist.</summary>
    void CheckJobLocations(string source, string destination);
}
