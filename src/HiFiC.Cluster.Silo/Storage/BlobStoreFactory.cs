using Azure.Storage.Blobs;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Storage.AzureBlob;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Storage;

/// <summary>
/// Folder paths and file:// URIs (embedded default), and azblob://container/prefix in the account
/// configured in HiFiC:AzureStorage. Other schemes fail with a message naming them.
/// </summary>
public sealed class BlobStoreFactory(IOptions<AzureStorageOptions> azure) : IBlobStoreFactory
{
    private BlobServiceClient? service;

    public BlobStoreFactory() : this(Options.Create(new AzureStorageOptions())) { }

    public IBlobSource OpenSource(string location) => Open(location, writable: false);

    public IBlobStore OpenStore(string location) => Open(location, writable: true);

    private IBlobStore Open(string location, bool writable)
    {
        if (AzureBlobLocation.TryParse(location, out var az))
            return new AzureBlobStore(Service().GetBlobContainerClient(az.Container), az.Prefix, writable, location);
        return new LocalFolderBlobStore(LocalPath(location), writable);
    }

    public void CheckJobLocations(string source, string destination)
    {
        bool srcAzure = AzureBlobLocation.TryParse(source, out var srcAz), dstAzure = AzureBlobLocation.TryParse(destination, out var dstAz);
        if (srcAzure || dstAzure)
        {
            if (srcAzure && !Service().GetBlobContainerClient(srcAz.Container).Exists())
                throw new ArgumentException($"Source container not found: {source}");
            if (srcAzure && dstAzure && (srcAz.Contains(dstAz) || dstAz.Contains(srcAz)))
                throw new ArgumentException($"The source {source} and destination {destination} overlap: the job would archive its own output.");
            if (!srcAzure) CheckLocalSource(source);
            return;
        }
        var src = CheckLocalSource(source);
        var dst = Path.GetFullPath(LocalPath(destination)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (dst.StartsWith(src, StringComparison.Ordinal))
            throw new ArgumentException($"The destination {destination} lies inside the source {source}: the job would archive its own output.");
        if (src.StartsWith(dst, StringComparison.Ordinal))
            throw new ArgumentException($"The source {source} lies inside the destination {destination}: outputs would mix with originals.");
    }

    private static string CheckLocalSource(string source)
    {
        var src = Path.GetFullPath(LocalPath(source)).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!Directory.Exists(src)) throw new ArgumentException($"Source folder not found: {source}");
        return src;
    }

    private BlobServiceClient Service() => service ??= new BlobServiceClient(
        azure.Value.ConnectionString ?? throw new InvalidOperationException($"azblob:// locations need {AzureStorageOptions.Section}:ConnectionString."),
        AzureServiceVersions.Blob());

    private static string LocalPath(string location)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1)
        {
            if (uri.IsFile) return uri.LocalPath;
            throw new NotSupportedException($"Storage scheme '{uri.Scheme}' is not supported (folders, file:// and azblob:// only).");
        }
        return location;
    }
}
