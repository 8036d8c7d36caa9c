using System.Reflection;
using System.Text.RegularExpressions;
using HiFiC.Deployment.Tests.Helm;
using HiFiC.Deployment.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HiFiC.Deployment.Tests.Configuration;

/// <summary>
/// Every configuration key the silo and the web host read is set by the Helm chart and by
/// docker-compose.yml (or listed below as not applicable there, with the reason), and every key
/// they set is one the app reads, with a value of the right type. Renaming an option, adding one,
/// or mistyping a key in a deployment file fails here rather than in a cluster.
/// </summary>
public sealed partial class ConfigurationKeyTests(ITestOutputHelper output)
{
    /// <summary>Catalogued keys (or section prefixes ending in ':') a deployment leaves unset on purpose.</summary>
    private sealed record NotApplicable(string KeyOrPrefix, string Why);

    private static readonly NotApplicable[] LocalhostOrFolderOnly =
    [
        new("HiFiC:Cluster:PrimarySiloPort", "Localhost clustering only"),
        new("HiFiC:Cluster:GatewayPorts", "Localhost clustering clients only"),
        new("HiFiC:Cluster:StateFolder", "Folder job storage only (one machine, tests)"),
        new("HiFiC:Cluster:ConnectionString", "defaults to HiFiC:AzureStorage:ConnectionString: one storage account"),
    ];

    /// <summary>TLS keys the deployments leave to their defaults: certificates come as PEM files from a Secret, trust from its CA.</summary>
    private static readonly NotApplicable[] TlsDefaults =
    [
        new("HiFiC:Cluster:Tls:CertificatePassword", "the Secret's PEM key is not encrypted"),
        new("HiFiC:Cluster:Tls:StoreThumbprint", "certificates come from files, not a store"),
        new("HiFiC:Cluster:Tls:StoreName", "certificates come from files, not a store"),
        new("HiFiC:Cluster:Tls:StoreLocation", "certificates come from files, not a store"),
        new("HiFiC:Cluster:Tls:AllowedThumbprints", "peers are trusted through the Secret's CA"),
        new("HiFiC:Cluster:Tls:AllowAnyRemoteCertificate", "development only"),
        new("HiFiC:Cluster:Tls:HandshakeTimeout", "the default (10 s)"),
    ];

    /// <summary>Compose runs without TLS (one machine, one private network): only Enabled=false is set.</summary>
    private static readonly NotApplicable[] ComposeTls =
    [
        .. TlsDefaults,
        new("HiFiC:Cluster:Tls:CertificatePath", "no TLS in compose"),
        new("HiFiC:Cluster:Tls:KeyPath", "no TLS in compose"),
        new("HiFiC:Cluster:Tls:CaCertificatePath", "no TLS in compose"),
    ];

    private static readonly NotApplicable[] ChartSilo =
    [
        .. LocalhostOrFolderOnly,
        .. TlsDefaults,
        new("HiFiC:Cluster:AdvertisedAddress", "Kubernetes hosting advertises the pod IP"),
        new("HiFiC:Queue:MessageTimeToLive", "unset means work messages never expire, which a deployment wants"),
    ];

    private static readonly NotApplicable[] ComposeSilo =
    [
        .. LocalhostOrFolderOnly,
        .. ComposeTls,
        new("HiFiC:Queue:MessageTimeToLive", "unset means work messages never expire, which a deployment wants"),
        new("HiFiC:ServiceBus:ConnectionString", "no Service Bus emulator: compose uses the Azure Storage queue in Azurite"),
    ];

    /// <summary>The web host runs as a client of the silos in both: embedded-mode and silo-side keys do not apply.</summary>
    private static readonly NotApplicable[] ClientWeb =
    [
        new("HiFiC:Web:SiloPort", "Embedded mode only"),
        new("HiFiC:Web:GatewayPort", "Embedded mode only"),
        new("HiFiC:Web:StateFolder", "Embedded mode only"),
        new("HiFiC:Web:Gateways", "static gateways; the deployments find silos in the membership table"),
        new("HiFiC:Web:ClusterId", "static gateways only (HiFiC:Cluster:ClusterId otherwise)"),
        new("HiFiC:Web:ServiceId", "static gateways only (HiFiC:Cluster:ServiceId otherwise)"),
        new("HiFiC:Cluster:Storage", "silo side"),
        new("HiFiC:Cluster:Reminders", "silo side"),
        new("HiFiC:Cluster:SiloPort", "silo side"),
        new("HiFiC:Cluster:GatewayPort", "silo side (a Localhost client's only gateway)"),
        new("HiFiC:Cluster:AdvertisedAddress", "silo side"),
        new("HiFiC:Cluster:Kubernetes", "silo side"),
        .. LocalhostOrFolderOnly,
        new("HiFiC:Queue:", "the embedded silo's only"),
        new("HiFiC:ServiceBus:", "the embedded silo's only"),
        new("HiFiC:ModelPool:", "the embedded silo's only"),
        new("HiFiC:Worker:", "the embedded silo's only"),
        new("HiFiC:Jobs:", "the embedded silo's only"),
        new("HiFiC:Storage:Roots", "the web host's storage takes HiFiC:Web:Roots when this is empty"),
        new("HiFiC:Restore:", "the embedded silo's only"),
    ];

    [Fact]
    public void The_catalog_knows_every_options_section_and_every_key_the_sources_read_directly()
    {
        // Every "HiFiC:..." options class in the deployed assemblies is bound by the silo or the web host.
        var assemblies = new[] { typeof(HiFiC.Cluster.Contracts.Hosting.HificClusterOptions).Assembly, typeof(HiFiC.Cluster.Silo.Hosting.HificClusterHosting).Assembly, typeof(HiFiC.Cluster.Web.Hosting.WebOptions).Assembly, typeof(HiFiC.Cli.Cluster.SiloModelOptions).Assembly };
        var sections = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } f && ((string)f.GetRawConstantValue()!).StartsWith("HiFiC:", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sections);
        var catalogued = ConfigurationCatalog.SiloSections.Concat(ConfigurationCatalog.WebSections).ToHashSet();
        Assert.Empty(sections.Where(t => !catalogued.Contains(t)).Select(t => t.FullName));

        // Every "HiFiC:..." string in the code (not comments) is a catalogued key or section.
        var known = ConfigurationCatalog.Silo.Concat(ConfigurationCatalog.Web).Concat(ConfigurationCatalog.CliClientDirect).Select(k => k.Key).ToList();
        var unknown = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Repo.Path("src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
                foreach (Match m in KeyLiteral().Matches(line))
                {
                    var key = m.Groups[1].Value;
                    bool ok = known.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
                              || ConfigurationCatalog.OpenSections.Any(o => o.Section == key);
                    if (!ok) unknown.Add($"{Path.GetRelativePath(Repo.Root, file)}: {key}");
                }
        }
        Assert.True(unknown.Count == 0, "configuration keys read in code but missing from ConfigurationCatalog:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void The_chart_sets_every_key_the_silo_reads_and_only_those()
    {
        var set = ChartKeys("silo");
        Check("helm silo", ConfigurationCatalog.Silo, set, ChartSilo);
    }

    [Fact]
    public void The_chart_sets_every_key_the_web_host_reads_and_only_those()
    {
        var set = ChartKeys("web");
        Assert.Equal("Client", set["HiFiC:Web:Mode"]);
        Check("helm web", ConfigurationCatalog.Web, set, [.. ClientWeb, .. TlsDefaults]);
    }

    [Fact]
    public void The_compose_file_sets_every_key_the_silos_and_the_web_host_read_and_only_those()
    {
        var compose = Repo.Path("docker-compose.yml");
        foreach (var silo in new[] { "silo1", "silo2" })
            Check($"compose {silo}", ConfigurationCatalog.Silo, DeployedSettings.FromCompose(compose, silo), ComposeSilo);
        var web = DeployedSettings.FromCompose(compose, "web");
        Assert.Equal("Client", web["HiFiC:Web:Mode"]);
        Check("compose web", ConfigurationCatalog.Web, web, [.. ClientWeb, .. ComposeTls]);
    }

    /// <summary>Default values plus the Service Bus and TLS variants (their keys are set only then).</summary>
    private static Dictionary<string, string> ChartKeys(string component)
    {
        var chart = HelmChart.Load(Repo.Path("helm", "hific-cluster"));
        var keys = DeployedSettings.FromChart(chart.Render(), component);
        foreach (var (k, v) in DeployedSettings.FromChart(chart.Render(new Dictionary<string, object?> { ["queue.provider"] = "ServiceBus" }), component))
            keys.TryAdd(k, v);
        // The certificate paths are set only with TLS on.
        foreach (var (k, v) in DeployedSettings.FromChart(chart.Render(new Dictionary<string, object?> { ["tls.enabled"] = true }), component))
            keys.TryAdd(k, v);
        return keys;
    }

    private void Check(string where, IReadOnlyList<ConfigKey> catalog, Dictionary<string, string> set, NotApplicable[] notApplicable)
    {
        var problems = new List<string>();
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in set)
        {
            var hit = ConfigurationCatalog.Resolve(catalog, key);
            if (hit is null) { problems.Add($"{key} is set but not read"); continue; }
            covered.Add(hit.Key);
            if (value != DeployedSettings.Secret && ConfigurationCatalog.BindError(hit, value) is { } error) problems.Add(error);
        }
        bool IsNotApplicable(string key) => notApplicable.Any(n => n.KeyOrPrefix.EndsWith(':')
            ? key.StartsWith(n.KeyOrPrefix, StringComparison.OrdinalIgnoreCase)
            : string.Equals(n.KeyOrPrefix, key, StringComparison.OrdinalIgnoreCase));
        foreach (var k in catalog.Where(k => !covered.Contains(k.Key) && !IsNotApplicable(k.Key)))
            problems.Add($"{k.Key} is read but not set");
        foreach (var n in notApplicable)
        {
            if (!catalog.Any(k => n.KeyOrPrefix.EndsWith(':') ? k.Key.StartsWith(n.KeyOrPrefix, StringComparison.OrdinalIgnoreCase) : string.Equals(k.Key, n.KeyOrPrefix, StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{n.KeyOrPrefix} is listed as not applicable but nothing reads it (stale entry)");
            else if (set.Keys.Any(k => n.KeyOrPrefix.EndsWith(':') ? k.StartsWith(n.KeyOrPrefix, StringComparison.OrdinalIgnoreCase) : string.Equals(k, n.KeyOrPrefix, StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{n.KeyOrPrefix} is listed as not applicable ({n.Why}) but set");
        }
        output.WriteLine($"{where}: {set.Count} keys set, {catalog.Count} read, {problems.Count} problem(s)");
        Assert.True(problems.Count == 0, $"{where}:\n" + string.Join('\n', problems));
    }

    [GeneratedRegex("\"(HiFiC:[A-Za-z0-9:]+)\"")]
    private static partial Regex KeyLiteral();
}
