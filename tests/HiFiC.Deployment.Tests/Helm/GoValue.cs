using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace HiFiC.Deployment.Tests.Helm;

/// <summary>
/// Values as Helm sees them: maps, lists, strings, bools, null, and every number a float64 (Helm
/// reads values through JSON). Printing, truthiness, toYaml and toJson follow Go's and Helm's rules
/// closely enough that the chart's output here is what helm would produce (e.g. 1000000 prints as
/// 1e+06 in a template, as in Helm).
/// </summary>
public static class GoValue
{
    public static object? FromYaml(YamlNode? node) => node switch
    {
        null => null,
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => FromYaml(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(FromYaml).ToList(),
        YamlScalarNode sc => Scalar(sc),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static object? Scalar(YamlScalarNode node)
    {
        var v = node.Value ?? "";
        if (node.Style is not (YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any)) return v;
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
        }
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && v.Trim() == v && !v.StartsWith('.') && !v.EndsWith('.'))
            return d;
        return v;
    }

    /// <summary>Parses every document of a YAML stream into values.</summary>
    public static List<object?> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => FromYaml(d.RootNode)).ToList();
    }

    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        double d => d != 0,
        long l => l != 0,
        int i => i != 0,
        string s => s.Length > 0,
        System.Collections.IDictionary m => m.Count > 0,
        System.Collections.IList l => l.Count > 0,
        _ => true,
    };

    /// <summary>What {{ value }} prints.</summary>
    public static string Print(object? v) => v switch
    {
        null => "", // Go prints <no value>; Helm removes it.
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatFloat(d),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => throw new TemplateException($"cannot print a {v.GetType().Name} (use toYaml or toJson)"),
    };

    /// <summary>Go's %v of a float64: shortest digits, exponent form below 1e-4 or from 1e+06 on.</summary>
    public static string FormatFloat(double d)
    {
        if (d == 0) return "0";
        var r = Math.Abs(d).ToString("E16", CultureInfo.InvariantCulture); // d.ddddE+xxx, then shorten
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int exp = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        // Digits of the shortest round-trip form, without point, exponent or leading zeros.
        var mantissa = shortest.Contains('E') ? shortest[..shortest.IndexOf('E')] : shortest;
        var digits = mantissa.Replace(".", "").TrimStart('0').TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6)
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return $"{sign}{m}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return sign + Math.Abs(d).ToString("0.####################", CultureInfo.InvariantCulture);
    }

    /// <summary>Helm's toJson (Go's encoding/json: map keys sorted, HTML characters escaped).</summary>
    public static string ToJson(object? v)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
            WriteJson(w, v);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d when d == Math.Floor(d) && Math.Abs(d) < 1e15: w.WriteNumberValue((long)d); break;
            case double d: w.WriteNumberValue(d); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case IDictionary<string, object?> m:
                w.WriteStartObject();
                foreach (var (k, x) in m.OrderBy(kv => kv.Key, StringComparer.Ordinal)) { w.WritePropertyName(k); WriteJson(w, x); }
                w.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                w.WriteStartArray();
                foreach (var x in list) WriteJson(w, x);
                w.WriteEndArray();
                break;
            default: throw new TemplateException($"toJson: unsupported {v.GetType().Name}");
        }
    }

    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    /// <summary>Helm's toYaml: keys sorted, no trailing newline.</summary>
    public static string ToYaml(object? v) => Yaml.Serialize(ForYaml(v)).TrimEnd('\n', '\r');

    private static object? ForYaml(object? v) => v switch
    {
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => (long)d,
        IDictionary<string, object?> m => new SortedDictionary<string, object?>(m.ToDictionary(kv => kv.Key, kv => ForYaml(kv.Value)), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(ForYaml).ToList(),
        _ => v,
    };

    /// <summary>A deep copy (values are rendered per test with their own overrides).</summary>
    public static object? Clone(object? v) => v switch
    {
        IDictionary<string, object?> m => m.ToDictionary(kv => kv.Key, kv => Clone(kv.Value), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(Clone).ToList(),
        _ => v,
    };

    /// <summary>The value at a dotted path ("silo.settings.HiFiC"), or null.</summary>
    public static object? At(object? root, string path)
    {
        var v = root;
        foreach (var part in path.Split('.'))
        {
            if (v is IDictionary<string, object?> m && m.TryGetValue(part, out var next)) v = next;
            else return null;
        }
        return v;
    }
}

public sealed class TemplateException(string message) : Exception(message);
