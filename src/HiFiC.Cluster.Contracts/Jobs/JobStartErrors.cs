namespace HiFiC.Cluster.Contracts.Jobs;

/// <summary>
/// Marks on the exceptions <see cref="IArchiveJobGrain.StartAsync"/> throws (in their Data, which Orleans
/// carries across): plain System exceptions, because a client without the codec (the web host in client
/// mode) cannot receive the codec's own exception types.
/// </summary>
public static class JobStartErrors
{
    /// <summary>Set (true) on the ArgumentException for a model the silos do not have; its field (<see cref="JobSpecValidator.FieldKey"/>) is "model".</summary>
    public const string ModelMissingKey = "hific.model-missing";
}
