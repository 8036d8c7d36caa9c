namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// A silo that is the whole cluster, inside the process of its only user: `hific archive`'s
/// runner, and the web host in embedded mode (`hific web`). The silo project turns it into a silo
/// (HificSingleSilo.Configure); the web host, which references the contracts only, hands it over.
/// </summary>
/// <param name="SiloPort">Localhost silo port; 0 = any free port (two runs on one machine must not collide).</param>
/// <param name="GatewayPort">Localhost gateway port; 0 = any free port.</param>
/// <param name="StateFolder">Job state kept in files here (survives restarts); null = in memory.</param>
/// <param name="DefaultRoots">Where storage may read and write when HiFiC:Storage:Roots names nothing (absolute folders or azblob:// prefixes); empty = unconfined.</param>
public sealed record SingleSiloSettings(
    int SiloPort = 0,
    int GatewayPort = 0,
    string ServiceId = "hific-embedded",
    string? ClusterId = null,
    string? StateFolder = null,
    IReadOnlyList<string>? DefaultRoots = null);
