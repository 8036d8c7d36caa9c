using YamlDotNet.RepresentationModel;

namespace HiFiC.Deployment.Tests.Helm;

/// <summary>
/// A chart folder rendered as `helm template` would: Chart.yaml, values.yaml (with overrides, as
/// --set), every templates/*.yaml (files starting with _ only define helpers), split into documents.
/// </summary>
public sealed class HelmChart
{
    private readonly string folder;
    private readonly Dictionary<string, object?> chart;

    public IReadOnlyDictionary<string, object?> DefaultValues { get; }

    private HelmChart(string folder)
    {
        this.folder = folder;
        chart = (Dictionary<string, object?>)GoValue.ParseAll(File.ReadAllText(Path.Combine(folder, "Chart.yaml")))[0]!;
        DefaultValues = (Dictionary<string, object?>)GoValue.ParseAll(File.ReadAllText(Path.Combine(folder, "values.yaml")))[0]!;
    }

    public static HelmChart Load(string folder) => new(folder);

    /// <summary>Renders with the default values changed at dotted paths ("queue.provider" = "ServiceBus").</summary>
    public RenderedChart Render(IReadOnlyDictionary<string, object?>? set = null, string release = "hific", string ns = "archive")
    {
        var values = (Dictionary<string, object?>)GoValue.Clone(DefaultValues)!;
        foreach (var (path, value) in set ?? new Dictionary<string, object?>())
        {
            var parts = path.Split('.');
            var map = values;
            foreach (var p in parts[..^1])
                map = map.TryGetValue(p, out var next) && next is Dictionary<string, object?> m ? m : throw new ArgumentException($"no map at {path}");
            if (!map.ContainsKey(parts[^1])) throw new ArgumentException($"values.yaml has no {path}");
            map[parts[^1]] = value;
        }
        var root = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?> { ["Name"] = release, ["Namespace"] = ns, ["Service"] = "Helm", ["IsInstall"] = true },
            ["Chart"] = new Dictionary<string, object?>
            {
                ["Name"] = chart["name"], ["Version"] = chart["version"], ["AppVersion"] = chart["appVersion"],
            },
        };

        var engine = new GoTemplate();
        var templates = Directory.GetFiles(Path.Combine(folder, "templates")).Order(StringComparer.Ordinal).ToList();
        foreach (var t in templates) engine.Add(Path.GetFileName(t), File.ReadAllText(t));
        var manifests = new List<Manifest>();
        foreach (var t in templates.Select(Path.GetFileName))
        {
            if (t!.StartsWith('_') || !(t.EndsWith(".yaml", StringComparison.Ordinal) || t.EndsWith(".yml", StringComparison.Ordinal))) continue;
            string text;
            try { text = engine.Execute(t, root); }
            catch (TemplateException e) { throw new TemplateException($"{t}: {e.Message}"); }
            foreach (var doc in SplitDocuments(text))
            {
                if (doc.Split('\n').All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#'))) continue;
                object? parsed;
                try { parsed = GoValue.ParseAll(doc).Single(); }
                catch (Exception e) { throw new InvalidOperationException($"{t} does not render to YAML: {e.Message}\n{doc}", e); }
                manifests.Add(new Manifest(t, doc, (Dictionary<string, object?>)parsed!));
            }
        }
        return new RenderedChart(values, manifests);
    }

    private static IEnumerable<string> SplitDocuments(string text)
    {
        var current = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.TrimEnd() == "---") { yield return string.Join('\n', current); current.Clear(); }
            else current.Add(line);
        }
        yield return string.Join('\n', current);
    }
}

/// <summary>One rendered Kubernetes object: its template, its YAML text and its values.</summary>
public sealed record Manifest(string Template, string Yaml, Dictionary<string, object?> Object)
{
    public string Kind => (string)Object["kind"]!;
    public string ApiVersion => (string)Object["apiVersion"]!;
    public string Name => (string)((Dictionary<string, object?>)Object["metadata"]!)["name"]!;

    /// <summary>The value at a dotted path ("spec.template.spec"), or null.</summary>
    public object? At(string path) => GoValue.At(Object, path);
}

public sealed record RenderedChart(Dictionary<string, object?> Values, IReadOnlyList<Manifest> Manifests)
{
    public Manifest Single(string kind, string nameSuffix) =>
        Manifests.Single(m => m.Kind == kind && m.Name.EndsWith(nameSuffix, StringComparison.Ordinal));

    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);
}
