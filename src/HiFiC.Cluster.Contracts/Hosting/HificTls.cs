using System.Security.Cryptography.X509Certificates;
using HiFiC.Cluster.Contracts.Validation;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// Turns "HiFiC:Cluster:Tls" into Orleans' TLS settings for a client (its gateway connections) here,
/// and for a silo (the silo's HificSiloTls, from the same <see cref="Load"/> and <see cref="Configure"/>).
/// Called from the one place clients are configured (<see cref="HificClient"/>) and the one place
/// silos are; a broken setting fails there, at start, with a message naming the key.
/// </summary>
public static class HificTls
{
    public static HificTlsOptions Read(IConfiguration configuration) =>
        configuration.GetSection(HificTlsOptions.Section).Get<HificTlsOptions>() ?? new HificTlsOptions();

    /// <summary>TLS on this client's gateway connections, when enabled.</summary>
    public static IClientBuilder UseHificTls(this IClientBuilder client, IConfiguration configuration)
    {
        var o = Read(configuration);
        if (!o.Enabled) return client;
        var (certificate, trust) = Load(o);
        return client.UseTls(certificate, tls => Configure(tls, o, trust));
    }

    public static void Configure(TlsOptions tls, HificTlsOptions o, HificTlsTrust trust)
    {
        // Mutual: a silo asks every peer, client or silo, for a certificate it trusts.
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.HandshakeTimeout = o.HandshakeTimeout;
        if (o.AllowAnyRemoteCertificate) tls.AllowAnyRemoteCertificate();
        else tls.RemoteCertificateValidation = trust.Validate;
    }

    public static (X509Certificate2 Certificate, HificTlsTrust Trust) Load(HificTlsOptions o)
    {
        var rules = new OptionRules(HificTlsOptions.Section)
            .Require(o.CertificatePath is not null || o.StoreThumbprint is not null,
                "Enabled needs this process's certificate: set CertificatePath (a .pfx, or a PEM with KeyPath) or StoreThumbprint.")
            .Require(o.AllowAnyRemoteCertificate || o.CaCertificatePath is not null || o.AllowedThumbprints.Count > 0,
                "Enabled needs whom to trust: set CaCertificatePath or AllowedThumbprints (AllowAnyRemoteCertificate=true only for development).")
            .Positive(nameof(o.HandshakeTimeout), o.HandshakeTimeout);
        rules.ThrowIfInvalid();

        var certificate = o.CertificatePath is { } path ? LoadFile(path, o.KeyPath, o.CertificatePassword) : LoadFromStore(o);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"{HificTlsOptions.Section}: the certificate {certificate.Subject} has no private key.");
        X509Certificate2? ca = null;
        if (o.CaCertificatePath is { } caPath)
        {
            RequireFile(caPath, "CaCertificatePath");
            ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
        }
        return (certificate, new HificTlsTrust(ca, o.AllowedThumbprints));
    }

    private static X509Certificate2 LoadFile(string path, string? keyPath, string? password)
    {
        RequireFile(path, "CertificatePath");
        if (keyPath is not null)
        {
            RequireFile(keyPath, "KeyPath");
            using var pem = string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            // A PEM key is ephemeral; SslStream wants a key it can use on every platform: round-trip through PKCS#12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password);
    }

    private static X509Certificate2 LoadFromStore(HificTlsOptions o)
    {
        var name = Enum.Parse<StoreName>(o.StoreName, ignoreCase: true);
        var location = Enum.Parse<StoreLocation>(o.StoreLocation, ignoreCase: true);
        using var store = new X509Store(name, location);
        store.Open(OpenFlags.ReadOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, HificTlsTrust.Normalize(o.StoreThumbprint), validOnly: false);
        return found.Count > 0 ? found[0]
            : throw new InvalidOperationException($"{HificTlsOptions.Section}:StoreThumbprint {o.StoreThumbprint} is not in the {location}/{name} store.");
    }

    private static void RequireFile(string path, string key)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{HificTlsOptions.Section}:{key} '{path}' does not exist.");
    }
}
