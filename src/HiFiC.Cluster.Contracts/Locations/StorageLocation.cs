namespace HiFiC.Cluster.Contracts.Locations;

/// <summary>
/// A location in its one canonical form: a folder (an absolute path once resolved, a relative
/// one as parsed) or an Azure blob prefix. <see cref="ToString"/> is the form stored in job specs;
/// parsing it again gives the same location (it holds no percent escape left to decode).
/// </summary>
public sealed record StorageLocation
{
    /// <summary>The folder, literal (never percent-decoded); null for a blob location.</summary>
    public string? Folder { get; init; }

    /// <summary>The container and prefix, decoded once; null for a folder.</summary>
    public AzureBlobLocation? Blob { get; init; }

    public override string ToString() => Blob is { } b
        ? $"{AzureBlobLocation.Scheme}://{b.Container}/{b.Prefix.TrimEnd('/')}"
        : Folder!;
}
