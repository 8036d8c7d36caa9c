namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>"azblob://container/optional/prefix": a location in the configured storage account.</summary>
public sealed record AzureBlobLocation(string Container, string Prefix)
{
    public const string Scheme = "azblob";

    /// <summary>Parsed by <see cref="LocationParser"/> (the prefix decoded exactly once); false for anything else, or anything not canonical.</summary>
    public static bool TryParse(string location, out AzureBlobLocation parsed)
    {
        parsed = null!;
        if (!LocationParser.TryParse(location, out var l, out _) || l.Blob is null) return false;
        parsed = l.Blob;
        return true;
    }

    /// <summary>True when every blob under <paramref name="other"/> is also under this one.</summary>
    public bool Contains(AzureBlobLocation other) =>
        Container == other.Container && other.Prefix.StartsWith(Prefix, StringComparison.Ordinal);
}
