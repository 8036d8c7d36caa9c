using HiFiC.Deployment.Tests.Helm;

namespace HiFiC.Deployment.Tests.Infrastructure;

/// <summary>Reading a rendered Deployment's pod template and its first container.</summary>
public sealed class PodSpec(Manifest deployment)
{
    public Dictionary<string, object?> Spec { get; } = (Dictionary<string, object?>)deployment.At("spec.template.spec")!;
    public Dictionary<string, object?> Container => (Dictionary<string, object?>)((List<object?>)Spec["containers"]!)[0]!;
    public Dictionary<string, object?> Labels => (Dictionary<string, object?>)deployment.At("spec.template.metadata.labels")!;

    /// <summary>Container env entries by name (each a map with value or valueFrom).</summary>
    public Dictionary<string, Dictionary<string, object?>> Env =>
        ((List<object?>)Container["env"]!).Cast<Dictionary<string, object?>>().ToDictionary(e => (string)e["name"]!, StringComparer.Ordinal);

    public string? EnvValue(string name) => Env.TryGetValue(name, out var e) && e.TryGetValue("value", out var v) ? GoValue.Print(v) : null;

    public object? At(string path) => GoValue.At(Container, path);
}
