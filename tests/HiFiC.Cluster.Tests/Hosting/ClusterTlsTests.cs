using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Hosting;
using HiFiC.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Tests.Hosting;

/// <summary>
/// HiFiC:Cluster:Tls on real silo and client hosts (generic hosts over real TCP sockets, the same
/// UseHificCluster that `hific silo`, `hific job` and the web host call): two silos join each other
/// and serve a client over mutual TLS with certificates from a CA made in the test; a client
/// without TLS, with a certificate from another CA, or trusting another CA is not let in.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempFolder temp = new();
    private readonly TestCertificates ca = TestCertificates.NewCa("hific-test-ca");
    private readonly TestCertificates rogue = TestCertificates.NewCa("someone-else");
    private readonly int siloPort1 = LoopbackPorts.Next(), gatewayPort1 = LoopbackPorts.Next(), siloPort2 = LoopbackPorts.Next(), gatewayPort2 = LoopbackPorts.Next();
    private readonly List<IHost> hosts = [];
    private string caPem = "";

    public async Task InitializeAsync()
    {
        caPem = ca.WriteCaPem(Path.Combine(temp.Path, "ca.crt"));
        // Silo 1 from a PKCS#12 file, silo 2 from PEM files as a Kubernetes TLS Secret holds them.
        var pfx = TestCertificates.WritePfx(ca.Issue("silo-1"), Path.Combine(temp.Path, "silo-1.pfx"), "pw1");
        var (crt, key) = TestCertificates.WritePem(ca.Issue("silo-2"), temp.Sub("silo-2"));
        await StartSiloAsync(siloPort1, gatewayPort1, primary: 0, ("CertificatePath", pfx), ("CertificatePassword", "pw1"));
        await StartSiloAsync(siloPort2, gatewayPort2, primary: siloPort1, ("CertificatePath", crt), ("KeyPath", key));
    }

    public async Task DisposeAsync()
    {
        foreach (var h in Enumerable.Reverse(hosts))
        {
            try { await h.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { /* best effort */ }
            h.Dispose();
        }
        ca.Dispose();
        rogue.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task Silos_join_over_TLS_and_a_client_with_a_CA_issued_certificate_calls_grains()
    {
        var client = await StartClientAsync(Tls(ca.Issue("web"), "web.pfx", trustCa: caPem));

        // Both silos are members: the membership protocol ran silo to silo over TLS.
        var hosts = await WaitForAsync(() => client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true), h => h.Count == 2);
        Assert.Equal(2, hosts.Count);
        // Grain calls through the TLS gateway, on grains placed on either silo.
        for (int i = 0; i < 8; i++)
            Assert.Equal(JobPhase.None, await client.GetGrain<IArchiveJobGrain>($"tls-{i}").GetPhaseAsync());
    }

    [Fact]
    public async Task A_client_pinned_to_the_silo_certificates_by_thumbprint_is_let_in_too()
    {
        using var silo1 = X509(Path.Combine(temp.Path, "silo-1.pfx"), "pw1");
        using var silo2 = X509Pem(Path.Combine(temp.Path, "silo-2"));
        var clientCert = ca.Issue("cli");
        var settings = Tls(clientCert, "cli.pfx", trustCa: null)
            .Append(("HiFiC:Cluster:Tls:AllowedThumbprints:0", silo1.Thumbprint))
            .Append(("HiFiC:Cluster:Tls:AllowedThumbprints:1", silo2.Thumbprint.ToLowerInvariant()))
            .ToArray();

        var client = await StartClientAsync(settings);

        Assert.Equal(JobPhase.None, await client.GetGrain<IArchiveJobGrain>("pinned").GetPhaseAsync());
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_connect() =>
        await AssertRefusedAsync([]);

    [Fact]
    public async Task A_client_whose_certificate_another_CA_issued_is_refused_by_the_silos() =>
        // It trusts the silos (right CA); the silos do not trust it.
        await AssertRefusedAsync(Tls(rogue.Issue("intruder"), "intruder.pfx", trustCa: caPem));

    [Fact]
    public async Task A_client_that_trusts_another_CA_refuses_the_silos() =>
        await AssertRefusedAsync(Tls(ca.Issue("web"), "web2.pfx", trustCa: rogue.WriteCaPem(Path.Combine(temp.Path, "other-ca.crt"))));

    /// <summary>
    /// An Orleans client retries a gateway that drops it rather than failing its start, so the test
    /// waits for the refusal itself (the client's "connection attempt failed"), then checks the
    /// client never finished connecting: its start is still pending and is then cancelled.
    /// </summary>
    private async Task AssertRefusedAsync((string Key, string Value)[] settings)
    {
        var log = new CapturingLoggerProvider(e => e.Category.EndsWith("ConnectionManager", StringComparison.Ordinal) && e.Message.Contains("failed", StringComparison.Ordinal));
        using var stop = new CancellationTokenSource();
        var starting = StartClientAsync(settings, log, stop.Token);

        var refusal = await log.Matched.WaitAsync(Patience);

        Assert.False(starting.IsCompletedSuccessfully, "the client connected");
        Assert.Contains(gatewayPort1.ToString(), refusal.Message);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => starting.WaitAsync(Patience));
    }

    [Theory]
    [InlineData("no-certificate", "Enabled needs this process's certificate")]
    [InlineData("no-trust", "Enabled needs whom to trust")]
    [InlineData("missing-file", "CertificatePath '/nonexistent/silo.pfx' does not exist")]
    public void TLS_settings_that_cannot_work_stop_the_host_at_configuration(string broken, string message)
    {
        var settings = new List<(string, string)> { ("HiFiC:Cluster:Tls:Enabled", "true") };
        if (broken != "no-certificate") settings.Add(("HiFiC:Cluster:Tls:CertificatePath", broken == "missing-file" ? "/nonexistent/silo.pfx" : Path.Combine(temp.Path, "silo-1.pfx")));
        if (broken != "no-trust") settings.Add(("HiFiC:Cluster:Tls:CaCertificatePath", caPem));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var e = Assert.ThrowsAny<Exception>(() =>
        {
            builder.UseOrleans(silo => silo.UseHificCluster(Config(LoopbackPorts.Next(), LoopbackPorts.Next(), 0, settings.ToArray())));
            using var host = builder.Build();
        });

        Assert.Contains(message, e.Message);
        Assert.Contains("HiFiC:Cluster:Tls", e.Message);
    }

    private (string, string)[] Tls(System.Security.Cryptography.X509Certificates.X509Certificate2 own, string file, string? trustCa)
    {
        var pfx = TestCertificates.WritePfx(own, Path.Combine(temp.Path, file), "pw");
        var s = new List<(string, string)>
        {
            ("HiFiC:Cluster:Tls:Enabled", "true"),
            ("HiFiC:Cluster:Tls:CertificatePath", pfx),
            ("HiFiC:Cluster:Tls:CertificatePassword", "pw"),
        };
        if (trustCa is not null) s.Add(("HiFiC:Cluster:Tls:CaCertificatePath", trustCa));
        return s.ToArray();
    }

    private IConfiguration Config(int siloPort, int gatewayPort, int primary, params (string Key, string Value)[] extra) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HiFiC:Cluster:Clustering"] = "Localhost",
            ["HiFiC:Cluster:ClusterId"] = "tls-test",
            ["HiFiC:Cluster:SiloPort"] = siloPort.ToString(),
            ["HiFiC:Cluster:GatewayPort"] = gatewayPort.ToString(),
            ["HiFiC:Cluster:PrimarySiloPort"] = primary.ToString(),
            ["HiFiC:Cluster:GatewayPorts:0"] = gatewayPort1.ToString(),
            ["HiFiC:Worker:Enabled"] = "false",
        })
        .AddInMemoryCollection(extra.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
        .Build();

    private async Task StartSiloAsync(int siloPort, int gatewayPort, int primary, params (string Key, string Value)[] certificate)
    {
        var tls = certificate.Select(c => ("HiFiC:Cluster:Tls:" + c.Key, c.Value))
            .Append(("HiFiC:Cluster:Tls:Enabled", "true"))
            .Append(("HiFiC:Cluster:Tls:CaCertificatePath", caPem))
            .ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ICodecModelSource>(new FixedModelSource(TestModel.Tiny));
        builder.Services.Configure<ModelPoolOptions>(o => { o.Instances = 1; o.ThreadsPerInstance = 1; });
        builder.UseOrleans(silo => silo.UseHificCluster(Config(siloPort, gatewayPort, primary, tls)));
        var host = builder.Build();
        hosts.Add(host);
        await host.StartAsync().WaitAsync(Patience);
    }

    private async Task<IClusterClient> StartClientAsync((string Key, string Value)[] settings, ILoggerProvider? log = null, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (log is not null) builder.Logging.AddProvider(log);
        builder.UseOrleansClient(client => client.UseHificCluster(Config(0, gatewayPort1, 0, settings)));
        var host = builder.Build();
        hosts.Add(host);
        await host.StartAsync(ct);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value) || clock.Elapsed > Patience) return value;
            await Task.Delay(200);
        }
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 X509(string pfx, string password) =>
        System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(pfx, password);

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 X509Pem(string folder) =>
        System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(folder, "tls.crt"), Path.Combine(folder, "tls.key"));
}
