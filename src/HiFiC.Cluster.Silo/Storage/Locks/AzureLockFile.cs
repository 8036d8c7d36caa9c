using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>A lock blob in Azure Blob Storage: compare-and-swap by the service's ETags (If-None-Match: * to create, If-Match to replace or delete).</summary>
public sealed class AzureLockFile(BlobContainerClient container, BlobClient blob) : ILockFile
{
    public async Task<(byte[]? Content, string? ETag)> ReadAsync(CancellationToken ct)
    {
        try
        {
            var r = await blob.DownloadContentAsync(ct);
            return (r.Value.Content.ToArray(), r.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404) { return (null, null); }
    }

    public async Task<bool> TryCreateAsync(byte[] content, CancellationToken ct)
    {
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412) { return false; }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            return await TryCreateAsync(content, ct);
        }
    }

    public async Task<bool> TryReplaceAsync(byte[] content, string etag, CancellationToken ct)
    {
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) } };
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), options, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412) { return false; }
    }

    public async Task<bool> TryDeleteAsync(string etag, CancellationToken ct)
    {
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = new ETag(etag) }, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412) { return false; }
    }
}
