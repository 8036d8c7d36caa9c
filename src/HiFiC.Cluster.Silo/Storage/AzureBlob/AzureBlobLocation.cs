namespace HiFiC.Cluster.Silo.Storage.AzureBlob;

/// <summary>"azblob://container/optional/prefix": a location in the configured storage account.</summary>
public sealed record AzureBlobLocation(string Container, string Prefix)
{
    public const string Scheme = "azblob";

    public static bool TryParse(string location, out AzureBlobLocation parsed)
    {
        parsed = null!;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme != Scheme || string.IsNullOrEmpty(uri.Host)) return false;
        var prefix = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        parsed = new AzureBlobLocation(uri.Host, prefix.Length == 0 ? "" : prefix + "/");
        return true;
    }

    /// <summary>True when every blob under <paramref name="other"/> is also under this one.</summary>
    public bool Contains(AzureBlobLocation other) =>
        Container == other.Container && other.Prefix.StartsWith(Prefix, StringComparison.Ordinal);
}
