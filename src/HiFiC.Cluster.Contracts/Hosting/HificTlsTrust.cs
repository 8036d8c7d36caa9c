using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// Decides whether a remote silo or client is one of ours: its certificate chains to the configured
/// CA, or its thumbprint is pinned. Host names are not checked: silos reach each other by IP
/// address, which a certificate rarely names; holding a CA-issued key is what admits a peer.
/// </summary>
public sealed class HificTlsTrust
{
    private readonly X509Certificate2? ca;
    private readonly HashSet<string> pins;

    public HificTlsTrust(X509Certificate2? ca, IEnumerable<string> thumbprints)
    {
        this.ca = ca;
        pins = thumbprints.Select(Normalize).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    public bool IsEmpty => ca is null && pins.Count == 0;

    public bool Validate(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (pins.Contains(Normalize(certificate.Thumbprint)) || pins.Contains(Normalize(certificate.GetCertHashString(HashAlgorithmName.SHA256))))
            return true;
        if (ca is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // Private CAs publish no revocation lists; rotation is by replacing the Secret.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(certificate);
    }

    public static string Normalize(string? thumbprint) =>
        new string((thumbprint ?? "").Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}
