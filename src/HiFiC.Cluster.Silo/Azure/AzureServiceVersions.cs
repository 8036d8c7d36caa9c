using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace HiFiC.Cluster.Silo.Azure;

/// <summary>
/// Pinned REST versions. The SDKs default to their newest version, which the emulator (Azurite
/// 3.37: 2026-06-06 at most) refuses; pinning keeps production and tests on one protocol.
/// </summary>
public static class AzureServiceVersions
{
    public static BlobClientOptions Blob() => new(BlobClientOptions.ServiceVersion.V2026_06_06);

    public static QueueClientOptions Queue() => new(QueueClientOptions.ServiceVersion.V2026_06_06)
    {
        // Bodies are JSON; base64 keeps them valid XML whatever a path contains.
        MessageEncoding = QueueMessageEncoding.Base64,
    };
}
