namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// Bound from "HiFiC:Cluster": how silos find each other and where Orleans keeps job state and
/// reminders. The defaults are a one-machine cluster (localhost clustering, memory storage);
/// "AzureTable" puts membership, grain state and reminders in Azure Table storage, which is what
/// a cluster of several machines (or a test that kills silos) needs.
/// </summary>
public sealed class HificClusterOptions
{
    public const string Section = "HiFiC:Cluster";

    /// <summary>"Localhost" (default) or "AzureTable".</summary>
    public string Clustering { get; set; } = "Localhost";

    /// <summary>Job state: "Memory", "AzureTable" or "Folder" (<see cref="StateFolder"/>). Default: AzureTable with AzureTable clustering, else Memory.</summary>
    public string? Storage { get; set; }

    /// <summary>"Memory" or "AzureTable". Default: AzureTable with AzureTable clustering, else Memory.</summary>
    public string? Reminders { get; set; }

    /// <summary>Silos and clients of one cluster share it. Grain state is keyed by ServiceId, so it survives redeployments.</summary>
    public string ServiceId { get; set; } = "hific";

    /// <summary>One deployment of the service; silos with another ClusterId never join.</summary>
    public string ClusterId { get; set; } = "hific-dev";

    /// <summary>Silo-to-silo port (0 = any free port).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port (0 = any free port).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Localhost clustering only: the silo port of the primary silo (the one the others join).
    /// 0 = this silo is the primary. Clients use <see cref="GatewayPorts"/>.
    /// </summary>
    public int PrimarySiloPort { get; set; }

    /// <summary>Localhost clustering, clients: gateway ports to connect to (default: <see cref="GatewayPort"/>).</summary>
    public int[] GatewayPorts { get; set; } = [];

    /// <summary>
    /// The address other silos and clients reach this silo at (AzureTable clustering): an IP, or a
    /// host name resolved at start (a compose service name). Default: loopback.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Running as a Kubernetes pod (Microsoft.Orleans.Hosting.Kubernetes): silo name and advertised
    /// address come from the pod (POD_NAME, POD_IP), and silos whose pods are gone are declared dead
    /// without waiting for probes. Membership still needs a clustering provider (AzureTable).
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>Azure Table account; default: HiFiC:AzureStorage:ConnectionString.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder of the "Folder" job storage (shared by the silos of one machine).</summary>
    public string? StateFolder { get; set; }

    public string EffectiveStorage => Storage ?? (IsAzureTable(Clustering) ? "AzureTable" : "Memory");
    public string EffectiveReminders => Reminders ?? (IsAzureTable(Clustering) ? "AzureTable" : "Memory");

    public static bool IsAzureTable(string provider) => string.Equals(provider, "AzureTable", StringComparison.OrdinalIgnoreCase);
}
