namespace HiFiC.Cluster.Silo.Azure;

/// <summary>Bound from "HiFiC:AzureStorage": the storage account behind azblob:// locations and the AzureStorageQueue provider.</summary>
public sealed class AzureStorageOptions
{
    public const string Section = "HiFiC:AzureStorage";

    /// <summary>An account connection string (Azurite: "UseDevelopmentStorage=true" or its explicit endpoints).</summary>
    public string? ConnectionString { get; set; }
}
