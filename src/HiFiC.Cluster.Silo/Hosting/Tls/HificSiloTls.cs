using HiFiC.Cluster.Contracts.Hosting;
using Microsoft.Extensions.Configuration;

namespace HiFiC.Cluster.Silo.Hosting.Tls;

/// <summary>The silo side of "HiFiC:Cluster:Tls" (the client side and the settings are the contracts' <see cref="HificTls"/>).</summary>
public static class HificSiloTls
{
    /// <summary>TLS on every silo and gateway connection of this silo, when enabled.</summary>
    public static ISiloBuilder UseHificTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        var o = HificTls.Read(configuration);
        if (!o.Enabled) return silo;
        var (certificate, trust) = HificTls.Load(o);
        return silo.UseTls(certificate, tls => HificTls.Configure(tls, o, trust));
    }
}
