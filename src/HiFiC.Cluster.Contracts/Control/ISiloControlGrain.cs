namespace HiFiC.Cluster.Contracts.Control;

/// <summary>
/// Runtime controls of ONE silo: its key is the silo's address as the silos report it
/// (<c>SiloStats.Silo</c>, e.g. "S10.0.0.5:11111:154641916"), and the grain is always activated
/// on that silo, so it reaches that silo's own work intake and consumer loops. Calls for a silo
/// that is not an active member fail (no activation can be placed).
/// Nothing is persisted: a restarted silo is a new address and starts accepting work at its
/// configured concurrency.
/// </summary>
[Alias("hific.ISiloControlGrain")]
public interface ISiloControlGrain : IGrainWithStringKey
{
    /// <summary>Largest concurrency a silo accepts (a typo must not start hundreds of model instances).</summary>
    public const int MaxConcurrency = 64;

    [Alias("Get")] Task<SiloControlState> GetAsync();

    /// <summary>Stop taking new items; items in progress finish and are reported normally.</summary>
    [Alias("Drain")] Task<SiloControlState> DrainAsync();

    /// <summary>Take items again.</summary>
    [Alias("Undrain")] Task<SiloControlState> UndrainAsync();

    /// <summary>Items this silo compresses at once (model instances, 1..<see cref="MaxConcurrency"/>); lowering it lets running items finish.</summary>
    [Alias("SetConcurrency")] Task<SiloControlState> SetConcurrencyAsync(int concurrency);
}
