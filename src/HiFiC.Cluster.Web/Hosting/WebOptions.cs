namespace HiFiC.Cluster.Web.Hosting;

/// <summary>Bound from "HiFiC:Web".</summary>
public sealed class WebOptions
{
    public const string Section = "HiFiC:Web";

    /// <summary>Embedded (default): this process also runs a silo. Client: connect to the silos' gateways.</summary>
    public string Mode { get; set; } = "Embedded";

    /// <summary>The key every mutating call and every restore must present (X-Api-Key or Authorization: Bearer). No key configured = those calls are refused.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Job lists, job detail and the cluster view without a key.</summary>
    public bool PublicReadOnly { get; set; }

    /// <summary>/metrics without a key (Prometheus scrapers usually have none).</summary>
    public bool PublicMetrics { get; set; } = true;

    /// <summary>
    /// Where jobs may read and write: folders (relative ones are under the content root) or
    /// azblob://container/prefix locations. Relative paths in requests are taken under the first folder.
    /// </summary>
    public List<string> Roots { get; set; } = [];

    /// <summary>Largest restore (whole image or region) in pixels.</summary>
    public long MaxRestorePixels { get; set; } = 64L << 20;

    /// <summary>Embedded mode: silo-to-silo and gateway ports on localhost (0 = any free port).</summary>
    public int SiloPort { get; set; }
    public int GatewayPort { get; set; }

    /// <summary>Embedded mode: keep job state in files here (survives restarts); empty = memory.</summary>
    public string? StateFolder { get; set; }

    /// <summary>Client mode: the silos' gateways (host:port), static clustering. Empty: join the cluster described by HiFiC:Cluster (as `hific silo` does).</summary>
    public List<string> Gateways { get; set; } = [];
    public string ClusterId { get; set; } = "hific-dev";

    /// <summary>Client mode: how long the host waits at start for a silo gateway (the silos may still be starting) before it gives up.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public string ServiceId { get; set; } = "hific";

    /// <summary>How often the cluster view is sampled for the throughput history and the gauges.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Mount the Orleans Dashboard (grain-level views) at /orleans (default on). In client mode its
    /// data comes from dashboard grains on the silos: `hific silo` adds them unless
    /// HiFiC:Silo:OrleansDashboard=false; silos without them leave the page without data.
    /// </summary>
    public bool? OrleansDashboard { get; set; }

    public bool IsClient => string.Equals(Mode, "Client", StringComparison.OrdinalIgnoreCase);
}
