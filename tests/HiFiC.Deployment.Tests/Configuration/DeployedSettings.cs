using System.Text.RegularExpressions;
using HiFiC.Deployment.Tests.Helm;
using HiFiC.Deployment.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace HiFiC.Deployment.Tests.Configuration;

/// <summary>
/// The configuration keys a deployment artifact sets for one app, as configuration keys
/// ("HiFiC:Queue:Name") with the value given, or "(secret)" for a value taken from a Secret.
/// </summary>
public static partial class DeployedSettings
{
    public const string Secret = "(secret)";

    /// <summary>
    /// What the chart sets for the silo or the web host: its settings file (silo.settings /
    /// web.settings) plus the HiFiC__ environment variables of its container. A key may come from
    /// one place only (otherwise which one wins is a question of precedence nobody should need to ask).
    /// </summary>
    public static Dictionary<string, string> FromChart(RenderedChart chart, string component)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Flatten(GoValue.At(chart.Values, $"{component}.settings"), "", keys);
        var pod = new PodSpec(chart.Single("Deployment", "-" + component));
        foreach (var (name, entry) in pod.Env.Where(e => e.Key.StartsWith("HiFiC__", StringComparison.Ordinal)))
        {
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            var value = entry.TryGetValue("value", out var v) ? GoValue.Print(v) : Secret;
            if (!keys.TryAdd(key, value)) throw new InvalidOperationException($"{key} is set both in {component}.settings and as {name}");
        }
        return keys;
    }

    /// <summary>What docker-compose.yml sets for a service (its environment, YAML merge keys applied).</summary>
    public static Dictionary<string, string> FromCompose(string composeFile, string service)
    {
        var env = ComposeEnvironment(composeFile, service);
        return env.Where(kv => kv.Key.StartsWith("HiFiC__", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => Interpolate(kv.Value), StringComparer.OrdinalIgnoreCase);
    }

    public static Dictionary<string, string> ComposeEnvironment(string composeFile, string service)
    {
        var compose = LoadCompose(composeFile);
        var services = (Dictionary<object, object>)compose["services"];
        var s = (Dictionary<object, object>)services[service];
        return s.TryGetValue("environment", out var e)
            ? ((Dictionary<object, object>)e).ToDictionary(kv => (string)kv.Key, kv => kv.Value as string ?? "", StringComparer.Ordinal)
            : [];
    }

    /// <summary>The compose file as maps, lists and strings, with &lt;&lt; merge keys applied as docker-compose does.</summary>
    public static Dictionary<object, object> LoadCompose(string composeFile)
    {
        using var reader = new StringReader(File.ReadAllText(composeFile));
        return (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize(new MergingParser(new Parser(reader)))!;
    }

    /// <summary>A compose ${VAR:-default} as its default; ${VAR} alone as a secret-like outside value.</summary>
    private static string Interpolate(string value)
    {
        var m = Substitution().Match(value);
        if (!m.Success) return value;
        return m.Groups["default"].Success ? value.Replace(m.Value, m.Groups["default"].Value, StringComparison.Ordinal) : Secret;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}")]
    private static partial Regex Substitution();

    private static void Flatten(object? value, string prefix, Dictionary<string, string> keys)
    {
        switch (value)
        {
            case IDictionary<string, object?> map:
                foreach (var (k, v) in map) Flatten(v, prefix.Length == 0 ? k : $"{prefix}:{k}", keys);
                break;
            case IList<object?> list:
                for (int i = 0; i < list.Count; i++) Flatten(list[i], $"{prefix}:{i}", keys);
                break;
            case null:
                break;
            default:
                // As the JSON settings file carries it: numbers without exponent, bools as true/false.
                keys[prefix] = value is double d ? GoValue.ToJson(d) : GoValue.Print(value);
                break;
        }
    }
}
