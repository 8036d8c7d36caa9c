using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HiFiC.Cluster.Tests.Hosting;

/// <summary>A private CA and certificates it issues, made in the test (nothing is installed in any store).</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca) => Ca = ca;

    public X509Certificate2 Ca { get; }

    public static TestCertificates NewCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestCertificates(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)));
    }

    /// <summary>A leaf for a silo or client: both server and client authentication, since a silo is both.</summary>
    public X509Certificate2 Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>As a .pfx with a password.</summary>
    public static string WritePfx(X509Certificate2 certificate, string path, string password)
    {
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>As a Kubernetes TLS Secret holds it: tls.crt and tls.key (PEM, unencrypted).</summary>
    public static (string Crt, string Key) WritePem(X509Certificate2 certificate, string folder)
    {
        Directory.CreateDirectory(folder);
        var crt = Path.Combine(folder, "tls.crt");
        var key = Path.Combine(folder, "tls.key");
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (crt, key);
    }

    public string WriteCaPem(string path)
    {
        File.WriteAllText(path, Ca.ExportCertificatePem());
        return path;
    }

    public void Dispose() => Ca.Dispose();
}
