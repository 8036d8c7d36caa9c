namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>Decodes archived images on demand. A stateless worker: any silo, many activations; use key 0.</summary>
[Alias("hific.IRestoreGrain")]
public interface IRestoreGrain : IGrainWithIntegerKey
{
    /// <summary>Cancelling <paramref name="ct"/> (a web request that went away) stops the decode
    /// between tiles. Throws <see cref="RestoreLimitException"/> for a size, region or time limit.</summary>
    [Alias("Restore")] Task<RestoredImage> RestoreAsync(RestoreRequest request, CancellationToken ct = default);
}
