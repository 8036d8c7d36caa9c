using System.Collections;
using System.Reflection;
using HiFiC.Cli.Cluster;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Silo.Hosting.Tls;
using HiFiC.Cluster.Silo.Restore;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Queue;
using HiFiC.Cluster.Silo.Queue.ServiceBus;
using HiFiC.Cluster.Silo.Storage.Locations;
using HiFiC.Cluster.Silo.Work;
using HiFiC.Cluster.Web.Hosting;
using HiFiC.Cluster.Web.Scaling;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace HiFiC.Deployment.Tests.Configuration;

/// <summary>One configuration key an app reads, with the type it binds to.</summary>
public sealed record ConfigKey(string Key, Type Type);

/// <summary>
/// The configuration keys `hific silo` and the web host read, derived by reflection from the options
/// classes each binds (every public settable property of a class with a "HiFiC:..." Section), plus
/// the few keys read directly with GetValue. <see cref="ConfigurationKeyTests"/> checks this list
/// against the sources, so a new options class or direct read cannot be missed here.
/// </summary>
public static class ConfigurationCatalog
{
    /// <summary>Sections `hific silo` binds (SiloCommand, HificClusterHosting, AddHificArchive).</summary>
    public static readonly Type[] SiloSections =
    [
        typeof(HificClusterOptions), typeof(AzureStorageOptions), typeof(ServiceBusQueueOptions), typeof(WorkQueueOptions),
        typeof(ModelPoolOptions), typeof(WorkerOptions), typeof(JobOptions), typeof(SiloModelOptions), typeof(StorageRootsOptions),
        typeof(ModelPoolOptions), typeof(WorkerOptions), typeof(JobOptions), typeof(SiloModelOptions),
        typeof(RestoreOptions), typeof(HificTlsOptions), typeof(HiFiC.Cluster.Silo.Monitoring.SiloMetricsOptions),
    ];

    /// <summary>Keys `hific silo` reads with GetValue (SiloCommand, ClusterHost).</summary>
    public static readonly ConfigKey[] SiloDirect =
    [
        new("HiFiC:Silo:ShutdownTimeout", typeof(TimeSpan)),
        new("HiFiC:Silo:OrleansDashboard", typeof(bool)),
    ];

    /// <summary>Sections the web host binds (HificWeb): its own, the cluster it joins, storage, and in Embedded mode its silo's.</summary>
    public static readonly Type[] WebSections =
    [
        typeof(WebOptions), typeof(ScalingOptions), typeof(HificClusterOptions), typeof(AzureStorageOptions),
        typeof(ServiceBusQueueOptions), typeof(WorkQueueOptions), typeof(ModelPoolOptions), typeof(WorkerOptions), typeof(JobOptions),
        typeof(StorageRootsOptions),
        typeof(RestoreOptions), typeof(HificTlsOptions),
    ];

    /// <summary>Read only by `hific job` / `hific restore` (a client on an operator's machine, not deployed).</summary>
    public static readonly ConfigKey[] CliClientDirect = [new("HiFiC:Client:ConnectTimeout", typeof(TimeSpan))];

    /// <summary>Sections bound to an Orleans options class: any of its properties is a valid key below it.</summary>
    public static readonly (string Section, Type Type)[] OpenSections = [(HificClusterOptions.Section + ":Membership", typeof(ClusterMembershipOptions))];

    public static IReadOnlyList<ConfigKey> Silo { get; } = [.. SiloSections.SelectMany(Keys), .. SiloDirect];
    public static IReadOnlyList<ConfigKey> Web { get; } = [.. WebSections.SelectMany(Keys)];

    public static string SectionOf(Type t) => (string)t.GetField("Section", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    /// <summary>Section + property for every public settable property (lists as one key: "Roots", set as Roots:0, Roots:1...).</summary>
    public static IEnumerable<ConfigKey> Keys(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
            .Select(p => new ConfigKey($"{SectionOf(t)}:{p.Name}", p.PropertyType));

    /// <summary>
    /// The catalogued key a set key stands for: itself, a list key for "List:N", or an open section's
    /// key. Null when the app reads no such key. Keys compare case-insensitively, as configuration does.
    /// </summary>
    public static ConfigKey? Resolve(IReadOnlyList<ConfigKey> catalog, string key)
    {
        var hit = catalog.FirstOrDefault(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase));
        if (hit is not null) return hit;
        int colon = key.LastIndexOf(':');
        if (colon > 0 && int.TryParse(key[(colon + 1)..], out _))
        {
            var list = catalog.FirstOrDefault(k => string.Equals(k.Key, key[..colon], StringComparison.OrdinalIgnoreCase));
            if (list is not null && IsList(list.Type)) return list;
        }
        foreach (var (section, type) in OpenSections)
            if (key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)
                && type.GetProperty(key[(section.Length + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } p)
                return new ConfigKey(key, p.PropertyType);
        return null;
    }

    private static bool IsList(Type t) => t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t);

    /// <summary>
    /// Null when <paramref name="value"/> binds to the key's type as the configuration binder would
    /// bind it; otherwise why not. Values from compose's ${VAR:-default} substitutions are checked
    /// with their default.
    /// </summary>
    public static string? BindError(ConfigKey key, string value)
    {
        var type = IsList(key.Type) ? key.Type.IsArray ? key.Type.GetElementType()! : key.Type.GetGenericArguments()[0] : key.Type;
        if (type == typeof(string)) return null;
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("v", value)]).Build();
        try
        {
            config.GetValue(Nullable.GetUnderlyingType(type) ?? type, "v");
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"{key.Key}='{value}' is not a {type.Name}: {e.InnerException?.Message ?? e.Message}";
        }
    }
}
