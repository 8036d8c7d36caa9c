namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>Decodes archived images on demand. A stateless worker: any silo, many activations; use key 0.</summary>
[Alias("hific.IRestoreGrain")]
public interface IRestoreGrain : IGrainWithIntegerKey
{
    [Alias("Restore")] Task<RestoredImage> RestoreAsync(RestoreRequest request);
}
