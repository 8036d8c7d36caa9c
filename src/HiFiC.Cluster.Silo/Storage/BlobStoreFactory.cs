using Azure.Storage.Blobs;
using HiFiC.Cluster.Silo.Azure;
using HiFiC.Cluster.Silo.Storage.AzureBlob;
using HiFiC.Cluster.Silo.Storage.Locations;
using Microsoft.Extensions.Options;

namespace HiFiC.Cluster.Silo.Storage;

/// <summary>
/// Folder paths and file:/// URIs (embedded default), and azblob://container/prefix in the account
/// configured in HiFiC:AzureStorage. Every location goes through <see cref="StorageRoots"/> each
/// time it is opened (canonical form, links resolved, inside HiFiC:Storage:Roots when set): a
/// refused one throws <see cref="LocationRefusedException"/>.
/// </summary>
public sealed class BlobStoreFactory(IOptions<AzureStorageOptions> azure, IOptions<StorageRootsOptions> roots) : IBlobStoreFactory
{
    private BlobServiceClient? service;

    public BlobStoreFactory() : this(Options.Create(new AzureStorageOptions())) { }

    public BlobStoreFactory(IOptions<AzureStorageOptions> azure) : this(azure, Options.Create(new StorageRootsOptions())) { }

    /// <summary>The roots every location is checked against.</summary>
    public StorageRoots Roots { get; } = new(roots.Value.Roots, Directory.GetCurrentDirectory());

    public IBlobSource OpenSource(string location) => Open(location, writable: false);

    public IBlobStore OpenStore(string location) => Open(location, writable: true);

    private IBlobStore Open(string location, bool writable)
    {
        var resolved = Roots.Resolve(location, "location");
        if (resolved.Blob is { } az)
            return new AzureBlobStore(Service().GetBlobContainerClient(az.Container), az.Prefix, writable, location);
        return new LocalFolderBlobStore(resolved.Folder!, writable);
    }

    public void CheckJobLocations(string source, string destination)
    {
        var src = Roots.Resolve(source, "source");
        var dst = Roots.Resolve(destination, "destination");
        if (src.Blob is { } srcAz)
        {
            if (!Service().GetBlobContainerClient(srcAz.Container).Exists())
                throw new ArgumentException($"Source container not found: {source}");
            if (dst.Blob is { } dstAz && (srcAz.Contains(dstAz) || dstAz.Contains(srcAz)))
                throw new ArgumentException($"The source {source} and destination {destination} overlap: the job would archive its own output.");
            return;
        }
        var srcReal = CheckLocalSource(src.Folder!, source);
        if (dst.Blob is not null) return;
        // Compared where the links lead: a destination reached through a link into the source is still inside it.
        var dstReal = RealPath.Resolve(dst.Folder!);
        if (RealPath.IsWithin(dstReal, srcReal))
            throw new ArgumentException($"The destination {destination} lies inside the source {source}: the job would archive its own output.");
        if (RealPath.IsWithin(srcReal, dstReal))
            throw new ArgumentException($"The source {source} lies inside the destination {destination}: outputs would mix with originals.");
    }

    private static string CheckLocalSource(string folder, string source)
    {
        if (!Directory.Exists(folder)) throw new ArgumentException($"Source folder not found: {source}");
        return RealPath.Resolve(folder);
    }

    private BlobServiceClient Service() => service ??= new BlobServiceClient(
        azure.Value.ConnectionString ?? throw new InvalidOperationException($"azblob:// locations need {AzureStorageOptions.Section}:ConnectionString."),
        AzureServiceVersions.Blob());
}
