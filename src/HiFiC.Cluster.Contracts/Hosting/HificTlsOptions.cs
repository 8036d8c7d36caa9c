namespace HiFiC.Cluster.Contracts.Hosting;

/// <summary>
/// Bound from "HiFiC:Cluster:Tls": TLS on silo-to-silo and client-to-gateway connections. Every
/// silo and every client (web host, `hific job`) of one cluster uses the same section: its own
/// certificate (a file or a store entry) and whom it trusts (a CA, pinned thumbprints, or, for
/// development only, anyone). Connections are mutual: silos require clients to present a certificate too.
/// </summary>
public sealed class HificTlsOptions
{
    public const string Section = HificClusterOptions.Section + ":Tls";

    public bool Enabled { get; set; }

    /// <summary>This process's certificate with its private key: a PKCS#12 file (.pfx/.p12), or a
    /// PEM certificate (tls.crt) with <see cref="KeyPath"/> (tls.key), as a Kubernetes TLS Secret holds them.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM private key for a PEM <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Instead of a file: the thumbprint of a certificate in the store below.</summary>
    public string? StoreThumbprint { get; set; }

    public string StoreName { get; set; } = "My";

    public string StoreLocation { get; set; } = "CurrentUser";

    /// <summary>PEM or DER certificate of the CA that issued the cluster's certificates: a remote
    /// certificate is trusted when it chains to it (only to it: the system's roots are not used).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Remote certificates trusted by thumbprint (SHA-1 or SHA-256, hex; ':' and spaces ignored).</summary>
    public List<string> AllowedThumbprints { get; set; } = [];

    /// <summary>Development only: any remote certificate is accepted (the traffic is encrypted but
    /// nobody is authenticated). Must be set explicitly; a warning is logged at start.</summary>
    public bool AllowAnyRemoteCertificate { get; set; }

    /// <summary>Longest TLS handshake before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
