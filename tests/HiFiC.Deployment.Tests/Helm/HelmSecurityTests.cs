using HiFiC.Deployment.Tests.Infrastructure;

namespace HiFiC.Deployment.Tests.Helm;

/// <summary>
/// The chart's trust boundaries: a NetworkPolicy that lets only silos and the web host reach the
/// Orleans ports, and TLS on those connections from an existing Secret mounted into silos and web.
/// </summary>
public sealed class HelmSecurityTests
{
    private static readonly HelmChart Chart = HelmChart.Load(Repo.Path("helm", "hific-cluster"));

    private static RenderedChart Render(params (string Path, object? Value)[] set) => Chart.Render(set.ToDictionary(s => s.Path, s => s.Value));

    private static List<Dictionary<string, object?>> AllRules(Manifest policy) =>
        ((List<object?>)policy.At("spec.ingress")!).Cast<Dictionary<string, object?>>().ToList();

    private static long MetricsPort(RenderedChart chart) => Convert.ToInt64(GoValue.At(chart.Values, "silo.ports.metrics"));

    // The rules for the Orleans ports: every rule but the metrics port's own.
    private static List<Dictionary<string, object?>> Rules(Manifest policy, RenderedChart chart) =>
        AllRules(policy).Where(r => !Ports(r).SequenceEqual([MetricsPort(chart)])).ToList();

    private static List<long> Ports(Dictionary<string, object?> rule) =>
        ((List<object?>)rule["ports"]!).Cast<Dictionary<string, object?>>().Select(p =>
        {
            Assert.Equal("TCP", p["protocol"]);
            return Convert.ToInt64(p["port"]);
        }).Order().ToList();

    private static Dictionary<string, object?> Peer(Dictionary<string, object?> rule) =>
        (Dictionary<string, object?>)Assert.Single((List<object?>)rule["from"]!)!;

    private static bool Selects(Dictionary<string, object?> matchLabels, Dictionary<string, object?> podLabels) =>
        matchLabels.All(kv => podLabels.TryGetValue(kv.Key, out var v) && Equals(v, kv.Value));

    [Fact]
    public void Only_silos_and_the_web_host_reach_the_Orleans_ports()
    {
        var chart = Render();
        var policy = chart.Single("NetworkPolicy", "-silo");
        var silo = new PodSpec(chart.Single("Deployment", "-silo"));
        var web = new PodSpec(chart.Single("Deployment", "-web"));
        long siloPort = Convert.ToInt64(GoValue.At(chart.Values, "silo.ports.silo"));
        long gatewayPort = Convert.ToInt64(GoValue.At(chart.Values, "silo.ports.gateway"));

        // It governs the silo pods' ingress, and only theirs.
        Assert.True(Selects((Dictionary<string, object?>)policy.At("spec.podSelector.matchLabels")!, silo.Labels));
        Assert.False(Selects((Dictionary<string, object?>)policy.At("spec.podSelector.matchLabels")!, web.Labels));
        Assert.Equal(["Ingress"], ((List<object?>)policy.At("spec.policyTypes")!).Cast<string>());

        var rules = Rules(policy, chart);
        Assert.Equal(2, rules.Count);
        // The metrics port (read-only counters) has a rule of its own that opens nothing else.
        Assert.Equal(AllRules(policy).Count - 1, rules.Count);
        // Every rule names its peers (a rule without "from" would admit everyone) by pod labels in this namespace.
        foreach (var rule in rules)
            Assert.Equal(["podSelector"], Peer(rule).Keys);
        var fromSilos = rules.Single(r => Selects((Dictionary<string, object?>)GoValue.At(Peer(r), "podSelector.matchLabels")!, silo.Labels));
        var fromWeb = rules.Single(r => Selects((Dictionary<string, object?>)GoValue.At(Peer(r), "podSelector.matchLabels")!, web.Labels));
        Assert.Equal([siloPort, gatewayPort], Ports(fromSilos));
        Assert.Equal([gatewayPort], Ports(fromWeb)); // a client: never the silo-to-silo port
        // The ports it guards are the ones the silo listens on.
        var containerPorts = ((List<object?>)silo.Container["ports"]!).Cast<Dictionary<string, object?>>().Select(p => Convert.ToInt64(p["containerPort"])).Order();
        Assert.Equal(new[] { MetricsPort(chart), siloPort, gatewayPort }.Order(), containerPorts);
    }

    [Fact]
    public void More_gateway_clients_are_admitted_to_the_gateway_only_and_the_policy_can_be_turned_off()
    {
        var ops = new Dictionary<string, object?> { ["namespaceSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["team"] = "ops" } } };
        var chart = Render(("networkPolicy.extraGatewayClients", new List<object?> { ops }));
        var rules = Rules(chart.Single("NetworkPolicy", "-silo"), chart);

        var extra = rules.Single(r => Peer(r).ContainsKey("namespaceSelector"));
        Assert.Equal("ops", GoValue.At(Peer(extra), "namespaceSelector.matchLabels.team"));
        Assert.Equal([Convert.ToInt64(GoValue.At(chart.Values, "silo.ports.gateway"))], Ports(extra));

        Assert.Empty(Render(("networkPolicy.enabled", false)).OfKind("NetworkPolicy"));
    }

    [Fact]
    public void The_metrics_port_is_open_to_the_scrapers_given_and_opens_no_Orleans_port()
    {
        var open = Render();
        var anyPod = AllRules(open.Single("NetworkPolicy", "-silo")).Single(r => Ports(r).SequenceEqual([MetricsPort(open)]));
        Assert.False(anyPod.ContainsKey("from")); // no scrapers listed: any pod may read the counters

        var monitoring = new Dictionary<string, object?> { ["namespaceSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["name"] = "monitoring" } } };
        var chart = Render(("metrics.scrapers", new List<object?> { monitoring }));
        var rule = AllRules(chart.Single("NetworkPolicy", "-silo")).Single(r => Ports(r).SequenceEqual([MetricsPort(chart)]));
        Assert.Equal("monitoring", GoValue.At(Peer(rule), "namespaceSelector.matchLabels.name"));
    }

    [Fact]
    public void With_TLS_on_silos_and_web_host_mount_the_Secret_and_point_HiFiC_Cluster_Tls_at_it()
    {
        var chart = Render(("tls.enabled", true), ("tls.secretName", "archive-mtls"));

        Assert.Empty(chart.OfKind("Secret")); // referenced, never rendered
        foreach (var component in new[] { "-silo", "-web" })
        {
            var pod = new PodSpec(chart.Single("Deployment", component));
            var volume = ((List<object?>)pod.Spec["volumes"]!).Cast<Dictionary<string, object?>>().Single(v => v.ContainsKey("secret"));
            Assert.Equal("archive-mtls", GoValue.At(volume, "secret.secretName"));
            var mount = ((List<object?>)pod.Container["volumeMounts"]!).Cast<Dictionary<string, object?>>().Single(m => Equals(m["name"], volume["name"]));
            Assert.Equal(true, mount["readOnly"]);
            var folder = (string)mount["mountPath"]!;

            Assert.Equal("true", pod.EnvValue("HiFiC__Cluster__Tls__Enabled"));
            // The three files a kubernetes.io/tls Secret from cert-manager holds, inside the mount.
            Assert.Equal($"{folder}/tls.crt", pod.EnvValue("HiFiC__Cluster__Tls__CertificatePath"));
            Assert.Equal($"{folder}/tls.key", pod.EnvValue("HiFiC__Cluster__Tls__KeyPath"));
            Assert.Equal($"{folder}/ca.crt", pod.EnvValue("HiFiC__Cluster__Tls__CaCertificatePath"));
            Assert.Null(pod.EnvValue("HiFiC__Cluster__Tls__AllowAnyRemoteCertificate"));
        }
    }

    [Fact]
    public void Without_TLS_nothing_is_mounted_and_TLS_is_off_explicitly()
    {
        var chart = Render();
        foreach (var component in new[] { "-silo", "-web" })
        {
            var pod = new PodSpec(chart.Single("Deployment", component));
            Assert.Equal("false", pod.EnvValue("HiFiC__Cluster__Tls__Enabled"));
            Assert.DoesNotContain(((List<object?>)pod.Spec["volumes"]!).Cast<Dictionary<string, object?>>(), v => v.ContainsKey("secret"));
            Assert.Null(pod.EnvValue("HiFiC__Cluster__Tls__CertificatePath"));
        }
    }
}
