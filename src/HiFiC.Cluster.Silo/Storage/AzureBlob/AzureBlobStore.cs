using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace HiFiC.Cluster.Silo.Storage.AzureBlob;

/// <summary>
/// A container (and optional prefix) as a blob store. Listing pages are the service's own, and
/// the cursor is its continuation token, so a job over millions of blobs holds one page at a
/// time. An upload replaces a blob in one request: readers never see half of one.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container, string prefix, bool writable, string location) : IBlobStore, Locks.ILockableStore
{
    private readonly string prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";

    public string Location { get; } = location;

    public async Task<BlobPage> ListAsync(string? cursor, int pageSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await foreach (var page in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).AsPages(cursor, pageSize))
        {
            var items = page.Values
                .Select(b => new BlobInfo(b.Name[prefix.Length..], b.Properties.ContentLength ?? 0))
                .Where(b => !b.Path.Split('/').Any(s => s.StartsWith('.')))
                .ToList();
            return new BlobPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }
        return new BlobPage([], null);
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken ct) =>
        await Blob(path).OpenReadAsync(cancellationToken: ct);

    public async Task<byte[]?> TryReadAllAsync(string path, CancellationToken ct)
    {
        try { return (await Blob(path).DownloadContentAsync(ct)).Value.Content.ToArray(); }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    public async Task WriteAsync(string path, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        try { await Blob(path).UploadAsync(BinaryData.FromBytes(data), overwrite: true, ct); }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            // The archive's container is made on first write, like a destination folder.
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            await Blob(path).UploadAsync(BinaryData.FromBytes(data), overwrite: true, ct);
        }
    }

    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        await Blob(path).DeleteIfExistsAsync(cancellationToken: ct);
    }

    public Locks.ILockFile OpenLockFile(string path)
    {
        if (!writable) throw new InvalidOperationException($"{Location} is opened read-only.");
        return new Locks.AzureLockFile(container, Blob(path));
    }

    private BlobClient Blob(string path) => container.GetBlobClient(prefix + BlobPaths.Normalize(path));
}
