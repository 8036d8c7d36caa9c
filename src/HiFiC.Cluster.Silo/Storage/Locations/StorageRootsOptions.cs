namespace HiFiC.Cluster.Silo.Storage.Locations;

/// <summary>Bound from "HiFiC:Storage".</summary>
public sealed class StorageRootsOptions
{
    public const string Section = "HiFiC:Storage";

    /// <summary>
    /// Where job sources, destinations and archives may lie: folders (relative ones under the
    /// process's working folder) or azblob://container/prefix. Every location is checked against
    /// them each time storage opens it (job start, listing, every item, every restore), so jobs
    /// submitted from the CLI are confined as well as the web's. Empty: any location that passes
    /// the canonical-form check (the CLI's own `hific archive`). The web host fills it from
    /// HiFiC:Web:Roots when it is empty.
    /// </summary>
    public List<string> Roots { get; set; } = [];
}
