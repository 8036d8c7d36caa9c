using System.Text.Json;
using System.Text.RegularExpressions;
using HiFiC.Deployment.Tests.Infrastructure;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace HiFiC.Deployment.Tests.Helm;

/// <summary>
/// helm/hific-cluster rendered by <see cref="HelmChart"/> (helm itself is not installable here):
/// every document is YAML with apiVersion, kind and a valid name; the built-in kinds read into the
/// Kubernetes client's typed models with unknown fields rejected; and the objects say what the
/// deployment needs (GPU silos with Orleans Kubernetes hosting, a grace period longer than the
/// silo's own shutdown, KEDA on the queue the silos consume, secrets by reference only).
/// </summary>
public sealed partial class HelmChartTests(ITestOutputHelper output)
{
    private static readonly HelmChart Chart = HelmChart.Load(Repo.Path("helm", "hific-cluster"));

    private static RenderedChart Render(params (string Path, object? Value)[] set) =>
        Chart.Render(set.ToDictionary(s => s.Path, s => s.Value));

    public static TheoryData<string> Variants => new() { "default", "servicebus", "ingress", "no-autoscaling", "data-volume", "tls", "pod-monitor" };

    private static RenderedChart RenderVariant(string variant) => variant switch
    {
        "default" => Render(),
        "servicebus" => Render(("queue.provider", "ServiceBus")),
        "ingress" => Render(("web.ingress.enabled", true), ("web.ingress.className", "nginx"), ("web.ingress.tlsSecretName", "hific-tls")),
        "no-autoscaling" => Render(("autoscaling.enabled", false)),
        "data-volume" => Render(("data.existingClaim", "archive-data")),
        "tls" => Render(("tls.enabled", true), ("networkPolicy.extraGatewayClients", new List<object?> { new Dictionary<string, object?> { ["namespaceSelector"] = new Dictionary<string, object?> { ["matchLabels"] = new Dictionary<string, object?> { ["team"] = "ops" } } } })),
        "pod-monitor" => Render(("metrics.podMonitor.enabled", true), ("metrics.annotations", false), ("metrics.grafanaDashboard.enabled", false)),
        _ => throw new ArgumentException(variant),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_template_renders_to_Kubernetes_objects_that_the_client_models_accept(string variant)
    {
        var chart = RenderVariant(variant);
        // HIFIC_CHART_OUT=folder: also write what was rendered (a `helm template` without helm).
        if (Environment.GetEnvironmentVariable("HIFIC_CHART_OUT") is { Length: > 0 } outDir)
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, variant + ".yaml"), string.Join("\n---\n", chart.Manifests.Select(m => $"# Source: {m.Template}\n{m.Yaml.Trim()}")) + "\n");
        }
        foreach (var m in chart.Manifests)
        {
            output.WriteLine($"{m.Template}: {m.ApiVersion} {m.Kind} {m.Name}");
            Assert.Matches(DnsLabel(), m.Name);
            if (m.ApiVersion.StartsWith("keda.sh/", StringComparison.Ordinal) || m.ApiVersion.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal))
                continue; // CRDs: checked below
            // Typed models, strict: a misspelt or misplaced field is an error, as kubectl's validation would say.
            var typed = KubernetesYaml.LoadAllFromString(m.Yaml, strict: true).Single();
            Assert.Equal(m.Kind, ((IKubernetesObject)typed).Kind);
            if (typed is V1Deployment d)
            {
                // What the API server would refuse: a selector that misses the pods, containers without name or image.
                foreach (var (k, v) in d.Spec.Selector.MatchLabels) Assert.Equal(v, d.Spec.Template.Metadata.Labels[k]);
                Assert.All(d.Spec.Template.Spec.Containers, c => Assert.False(string.IsNullOrEmpty(c.Name) || string.IsNullOrEmpty(c.Image)));
                Assert.All(d.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? []), e => Assert.True(e.Value is not null ^ e.ValueFrom is not null, e.Name));
            }
        }
        var kinds = chart.Manifests.Select(m => m.Kind).Order().ToList();
        output.WriteLine(string.Join(", ", kinds));
        foreach (var kind in new[] { "ConfigMap", "Deployment", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount" })
            Assert.Contains(kind, kinds);
        Assert.Equal(variant == "ingress", kinds.Contains("Ingress"));
        Assert.Equal(variant != "no-autoscaling", kinds.Contains("ScaledObject"));
        Assert.Equal(variant == "pod-monitor", kinds.Contains("PodMonitor"));
        Assert.DoesNotContain("Secret", kinds);
    }

    [Fact]
    public void Silos_run_on_GPU_nodes_with_Orleans_Kubernetes_hosting_and_its_RBAC()
    {
        var chart = Render(("silo.nodeSelector", new Dictionary<string, object?> { ["pool"] = "gpu-a100" }),
            ("silo.tolerations", new List<object?> { new Dictionary<string, object?> { ["key"] = "sku", ["operator"] = "Equal", ["value"] = "gpu", ["effect"] = "NoSchedule" } }));
        var silo = chart.Single("Deployment", "-silo");
        var pod = new PodSpec(silo);

        Assert.Equal(1.0, pod.At("resources.limits")! is Dictionary<string, object?> limits ? limits["nvidia.com/gpu"] : null);
        Assert.Equal("gpu-a100", GoValue.At(pod.Spec, "nodeSelector.pool"));
        var toleration = (Dictionary<string, object?>)((List<object?>)pod.Spec["tolerations"]!).Single()!;
        Assert.Equal(("sku", "gpu", "NoSchedule"), ((string)toleration["key"]!, (string)toleration["value"]!, (string)toleration["effect"]!));
        // Defaults: the GPU feature discovery label and the usual GPU taint.
        var defaults = new PodSpec(Render().Single("Deployment", "-silo"));
        Assert.Equal("true", GoValue.At(defaults.Spec, "nodeSelector") is Dictionary<string, object?> ns ? ns["nvidia.com/gpu.present"] : null);
        Assert.Contains(((List<object?>)defaults.Spec["tolerations"]!).Cast<Dictionary<string, object?>>(), t => (string?)t["key"] == "nvidia.com/gpu");

        // Kubernetes hosting: the pod's name, namespace and IP, and the labels that name its cluster.
        Assert.Equal("true", pod.EnvValue("HiFiC__Cluster__Kubernetes"));
        Assert.Equal("AzureTable", pod.EnvValue("HiFiC__Cluster__Clustering"));
        foreach (var (env, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP"),
                     ("ORLEANS_SERVICE_ID", "metadata.labels['orleans/serviceId']"), ("ORLEANS_CLUSTER_ID", "metadata.labels['orleans/clusterId']") })
            Assert.Equal(field, GoValue.At(pod.Env[env], "valueFrom.fieldRef.fieldPath"));
        Assert.Equal(pod.EnvValue("HiFiC__Cluster__ServiceId"), pod.Labels["orleans/serviceId"]);
        Assert.Equal(pod.EnvValue("HiFiC__Cluster__ClusterId"), pod.Labels["orleans/clusterId"]);
        var web = new PodSpec(chart.Single("Deployment", "-web"));
        Assert.Equal((pod.EnvValue("HiFiC__Cluster__ServiceId"), pod.EnvValue("HiFiC__Cluster__ClusterId")),
            (web.EnvValue("HiFiC__Cluster__ServiceId"), web.EnvValue("HiFiC__Cluster__ClusterId")));

        // The silos' service account may read, watch and delete the namespace's pods, nothing more.
        var account = (string)pod.Spec["serviceAccountName"]!;
        var binding = chart.OfKind("RoleBinding").Single();
        Assert.Equal(account, GoValue.At(((List<object?>)binding.Object["subjects"]!)[0], "name"));
        var role = chart.OfKind("Role").Single(r => r.Name == (string)GoValue.At(binding.Object, "roleRef.name")!);
        var rule = (Dictionary<string, object?>)((List<object?>)role.Object["rules"]!).Single()!;
        Assert.Equal(["pods"], ((List<object?>)rule["resources"]!).Cast<string>());
        Assert.Equal(["delete", "get", "list", "patch", "watch"], ((List<object?>)rule["verbs"]!).Cast<string>().Order());
        Assert.Equal(false, new PodSpec(chart.Single("Deployment", "-web")).Spec["automountServiceAccountToken"]);
    }

    [Fact]
    public void A_silo_gets_longer_to_stop_than_its_own_shutdown_takes_and_probes_its_ports()
    {
        var chart = Render();
        var pod = new PodSpec(chart.Single("Deployment", "-silo"));
        var shutdown = TimeSpan.Parse((string)GoValue.At(chart.Values, "silo.settings.HiFiC.Silo.ShutdownTimeout")!);
        var grace = TimeSpan.FromSeconds((double)pod.Spec["terminationGracePeriodSeconds"]!);
        output.WriteLine($"grace {grace}, silo shutdown {shutdown}");
        // Kubernetes kills at the end of the grace period: the silo must be done (items handed back,
        // progress flushed, membership left) well before.
        Assert.True(grace >= shutdown + TimeSpan.FromSeconds(30), $"terminationGracePeriodSeconds {grace} vs HiFiC:Silo:ShutdownTimeout {shutdown}");
        Assert.Equal("gateway", pod.At("readinessProbe.tcpSocket.port"));
        Assert.Equal("gateway", pod.At("startupProbe.tcpSocket.port"));
        Assert.Equal("silo", pod.At("livenessProbe.tcpSocket.port"));
        var ports = ((List<object?>)pod.Container["ports"]!).Cast<Dictionary<string, object?>>().ToDictionary(p => (string)p["name"]!, p => GoValue.Print(p["containerPort"]));
        Assert.Equal(ports["silo"], pod.EnvValue("HiFiC__Cluster__SiloPort"));
        Assert.Equal(ports["gateway"], pod.EnvValue("HiFiC__Cluster__GatewayPort"));
        // Rolling updates replace one silo at a time; voluntary disruptions likewise.
        Assert.Equal(0.0, chart.Single("Deployment", "-silo").At("spec.strategy.rollingUpdate.maxUnavailable"));
        Assert.Equal(1.0, chart.Single("PodDisruptionBudget", "-silo").At("spec.maxUnavailable"));
        Assert.Equal("silo", GoValue.At(chart.Single("PodDisruptionBudget", "-silo").Object, "spec.selector.matchLabels")
            is Dictionary<string, object?> sel ? sel["app.kubernetes.io/component"] : null);

        var web = new PodSpec(chart.Single("Deployment", "-web"));
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            Assert.Equal("/healthz", web.At($"{probe}.httpGet.path"));
        foreach (var p in new[] { pod, web })
        {
            Assert.Equal(true, GoValue.At(p.Spec, "securityContext.runAsNonRoot"));
            Assert.Equal(false, p.At("securityContext.allowPrivilegeEscalation"));
        }
    }

    [Fact]
    public void Secrets_are_only_referenced()
    {
        foreach (var chart in new[] { Render(), Render(("queue.provider", "ServiceBus")) })
        {
            Assert.Empty(chart.OfKind("Secret"));
            foreach (var deployment in chart.OfKind("Deployment"))
                foreach (var (name, entry) in new PodSpec(deployment).Env.Where(e => SecretName().IsMatch(e.Key)))
                {
                    Assert.False(entry.ContainsKey("value"), $"{deployment.Name}: {name} has a literal value");
                    Assert.NotNull(GoValue.At(entry, "valueFrom.secretKeyRef.name"));
                }
            // Settings files hold no secrets either.
            foreach (var map in chart.OfKind("ConfigMap"))
                Assert.DoesNotMatch(SecretName(), string.Join('\n', ((Dictionary<string, object?>)map.Object["data"]!).Values.Cast<string>()));
        }
        var web = new PodSpec(Render().Single("Deployment", "-web"));
        Assert.Equal("hific-web", GoValue.At(web.Env["HiFiC__Web__ApiKey"], "valueFrom.secretKeyRef.name"));
    }

    [Theory]
    [InlineData("AzureStorageQueue", "azure-queue", "queueLength", "hific-storage")]
    [InlineData("ServiceBus", "azure-servicebus", "messageCount", "hific-servicebus")]
    public void KEDA_scales_the_silos_on_the_depth_of_the_queue_they_consume(string provider, string trigger, string targetField, string secret)
    {
        var chart = Render(("queue.provider", provider), ("autoscaling.queueLength", 32.0), ("autoscaling.maxReplicas", 40.0));
        var scaled = chart.OfKind("ScaledObject").Single();
        var silo = chart.Single("Deployment", "-silo");
        Assert.Equal("keda.sh/v1alpha1", scaled.ApiVersion);
        Assert.Equal(silo.Name, scaled.At("spec.scaleTargetRef.name"));
        Assert.Equal(1.0, scaled.At("spec.minReplicaCount")); // coordinators and restores need a silo
        Assert.Equal(40.0, scaled.At("spec.maxReplicaCount"));
        var t = (Dictionary<string, object?>)((List<object?>)scaled.At("spec.triggers")!).Single()!;
        Assert.Equal(trigger, t["type"]);
        var pod = new PodSpec(silo);
        Assert.Equal(pod.EnvValue("HiFiC__Queue__Name"), GoValue.At(t, "metadata.queueName"));
        Assert.Equal(provider, pod.EnvValue("HiFiC__Queue__Provider"));
        Assert.Equal("32", GoValue.At(t, "metadata." + targetField));
        Assert.Equal(provider == "ServiceBus", pod.Env.ContainsKey("HiFiC__ServiceBus__ConnectionString"));
        // Authentication by reference to the queue's own secret.
        var auth = chart.OfKind("TriggerAuthentication").Single(a => a.Name == (string)GoValue.At(t, "authenticationRef.name")!);
        var target = (Dictionary<string, object?>)((List<object?>)auth.At("spec.secretTargetRef")!).Single()!;
        Assert.Equal(("connection", secret), ((string)target["parameter"]!, (string)target["name"]!));
        // Scale-in one silo at a time; KEDA owns the replica count, so the Deployment leaves it out.
        Assert.Equal(1.0, GoValue.At(((List<object?>)scaled.At("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.policies")!)[0], "value"));
        Assert.Null(silo.At("spec.replicas"));
        Assert.Equal(2.0, Render(("autoscaling.enabled", false)).Single("Deployment", "-silo").At("spec.replicas"));
        // The dashboard's recommendation stays within what KEDA may do.
        var web = new PodSpec(chart.Single("Deployment", "-web"));
        Assert.Equal(("1", "40"), (web.EnvValue("HiFiC__Web__Scaling__MinSilos"), web.EnvValue("HiFiC__Web__Scaling__MaxSilos")));
    }

    [Fact]
    public void The_web_host_is_a_client_behind_a_service_with_an_optional_ingress()
    {
        var chart = Render(("web.ingress.enabled", true), ("web.ingress.className", "nginx"), ("web.ingress.tlsSecretName", "hific-tls"));
        var web = chart.Single("Deployment", "-web");
        var service = chart.Single("Service", "-web");
        Assert.Equal(GoValue.At(web.Object, "spec.template.metadata.labels"), service.At("spec.selector"));
        Assert.Equal("http", GoValue.At(((List<object?>)service.At("spec.ports")!)[0], "targetPort"));
        var ingress = chart.OfKind("Ingress").Single();
        Assert.Equal("nginx", ingress.At("spec.ingressClassName"));
        Assert.Equal(service.Name, GoValue.At(((List<object?>)GoValue.At(((List<object?>)ingress.At("spec.rules")!)[0], "http.paths")!)[0], "backend.service.name"));
        Assert.Equal("hific-tls", GoValue.At(((List<object?>)ingress.At("spec.tls")!)[0], "secretName"));

        // The settings files are the values' settings, as JSON.
        string Data(string suffix, string file) =>
            (string)((Dictionary<string, object?>)chart.OfKind("ConfigMap").Single(m => m.Name.EndsWith(suffix, StringComparison.Ordinal)).Object["data"]!)[file]!;
        var settings = JsonDocument.Parse(Data("-web", "appsettings.Production.json"));
        Assert.Equal("Client", settings.RootElement.GetProperty("HiFiC").GetProperty("Web").GetProperty("Mode").GetString());
        var silo = JsonDocument.Parse(Data("-silo", "silo.json"));
        Assert.Equal("AzureTable", silo.RootElement.GetProperty("HiFiC").GetProperty("Cluster").GetProperty("Storage").GetString());
        Assert.Equal(["--config", "/etc/hific/silo.json"], ((List<object?>)new PodSpec(chart.Single("Deployment", "-silo")).Container["args"]!).Cast<string>());
    }

    [Fact]
    public void Prometheus_scrapes_every_silo_and_the_web_host_and_a_Grafana_dashboard_ships()
    {
        var chart = Render();
        var silo = new PodSpec(chart.Single("Deployment", "-silo"));
        var annotations = (Dictionary<string, object?>)GoValue.At(chart.Single("Deployment", "-silo").Object, "spec.template.metadata.annotations")!;
        var port = GoValue.Print(GoValue.At(chart.Values, "silo.ports.metrics"));
        // The annotations, the container port and the silo's own setting name the same port.
        Assert.Equal(("true", port, "/metrics"), ((string?)annotations["prometheus.io/scrape"], (string?)annotations["prometheus.io/port"], (string?)annotations["prometheus.io/path"]));
        Assert.Equal(port, silo.EnvValue("HiFiC__Metrics__Port"));
        var ports = ((List<object?>)silo.Container["ports"]!).Cast<Dictionary<string, object?>>().ToDictionary(p => (string)p["name"]!, p => GoValue.Print(p["containerPort"]));
        Assert.Equal(port, ports["metrics"]);
        var webAnnotations = (Dictionary<string, object?>)GoValue.At(chart.Single("Deployment", "-web").Object, "spec.template.metadata.annotations")!;
        Assert.Equal((("true"), GoValue.Print(GoValue.At(chart.Values, "web.port"))), ((string?)webAnnotations["prometheus.io/scrape"], (string?)webAnnotations["prometheus.io/port"]));

        // The NetworkPolicy lets scrapers reach the metrics port (and only that one, from outside the cluster's own pods).
        var rules = ((List<object?>)chart.Single("NetworkPolicy", "-silo").At("spec.ingress")!).Cast<Dictionary<string, object?>>().ToList();
        var metricsRule = rules.Single(r => ((List<object?>)r["ports"]!).Cast<Dictionary<string, object?>>().Any(p => GoValue.Print(p["port"]) == port));
        Assert.False(metricsRule.ContainsKey("from")); // any pod by default: Prometheus usually runs in another namespace
        Assert.Single((List<object?>)metricsRule["ports"]!);

        // The dashboard: a ConfigMap with the sidecar's label, valid JSON whose panels query what the silos and the web host export.
        var dashboardMap = chart.Single("ConfigMap", "-grafana-dashboard");
        Assert.Equal("1", GoValue.At(dashboardMap.Object, "metadata.labels") is Dictionary<string, object?> l ? l["grafana_dashboard"] : null);
        var json = (string)((Dictionary<string, object?>)dashboardMap.Object["data"]!)["hific-cluster.json"]!;
        using var dashboard = JsonDocument.Parse(json);
        var exprs = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        output.WriteLine(string.Join('\n', exprs));
        foreach (var metric in new[] { "hific_items_total", "hific_megapixels_total", "hific_model_busy_share", "hific_model_busy_seconds_total",
                     "hific_queue_wait_seconds_bucket", "hific_item_retries_total", "hific_queue_depth", "http_server_request_duration_seconds" })
            Assert.Contains(exprs, e => e.Contains(metric, StringComparison.Ordinal));

        // The Prometheus Operator's PodMonitor, when asked for, selects the silos' pods and their metrics port.
        var withMonitor = Render(("metrics.podMonitor.enabled", true), ("metrics.podMonitor.labels", new Dictionary<string, object?> { ["release"] = "prom" }));
        var monitor = withMonitor.OfKind("PodMonitor").Single();
        Assert.Equal("prom", GoValue.At(monitor.Object, "metadata.labels") is Dictionary<string, object?> ml ? ml["release"] : null);
        Assert.Equal(GoValue.At(withMonitor.Single("Deployment", "-silo").Object, "spec.selector.matchLabels"), monitor.At("spec.selector.matchLabels"));
        Assert.Equal("metrics", GoValue.At(((List<object?>)monitor.At("spec.podMetricsEndpoints")!)[0], "port"));
        Assert.DoesNotContain(Render(("metrics.annotations", false)).Manifests.Where(m => m.Kind == "Deployment")
            .Select(m => GoValue.At(m.Object, "spec.template.metadata.annotations") as Dictionary<string, object?>),
            a => a is not null && a.ContainsKey("prometheus.io/scrape"));
    }

    [Fact]
    public void The_renderer_follows_Go_and_Helm_where_the_chart_depends_on_it()
    {
        var t = new GoTemplate();
        t.Add("_h.tpl", "{{- define \"x\" -}}\nname: {{ .n | quote }}\n{{- end -}}");
        t.Add("a.yaml", "a:\n  {{- include \"x\" . | nindent 2 }}\n{{- if .off }}\nno\n{{- else if .on }}\nb: {{ .big }} {{ .small }} {{ .s | default \"d\" }}\n{{- end }}\nc: {{ printf \"%s-%s\" \"p\" \"q\" | trunc 2 | trimSuffix \"-\" }}\n{{- with .m }}\nm:\n  {{- toYaml . | nindent 2 }}\n{{- end }}\n");
        var data = new Dictionary<string, object?>
        {
            ["n"] = "h\"i", ["off"] = false, ["on"] = true, ["big"] = 1e6, ["small"] = 11111.0, ["s"] = "",
            ["m"] = new Dictionary<string, object?> { ["z"] = "4", ["a"] = new List<object?> { 1.0 } },
        };
        var text = t.Execute("a.yaml", data);
        output.WriteLine(text);
        Assert.Equal("a:\n  name: \"h\\\"i\"\nb: 1e+06 11111 d\nc: p\nm:\n  a:\n  - 1\n  z: \"4\"\n", text);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("(?i)(ConnectionString|ApiKey|AccountKey|Password|SharedAccessKey)")]
    private static partial Regex SecretName();
}
