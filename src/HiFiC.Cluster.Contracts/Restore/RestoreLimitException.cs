namespace HiFiC.Cluster.Contracts.Restore;

/// <summary>
/// A restore refused by a limit the silo checked against the archived file's own header: too many
/// pixels, a region outside the image, or longer than the restore time limit. Callers turn it into
/// a client error (the request, not the cluster, is at fault).
/// </summary>
[GenerateSerializer, Alias("hific.RestoreLimitException.v1")]
public sealed class RestoreLimitException : Exception
{
    public RestoreLimitException() { }

    public RestoreLimitException(string message, bool timedOut = false) : base(message) => TimedOut = timedOut;

    public RestoreLimitException(string message, Exception inner) : base(message, inner) { }

    /// <summary>True when the restore ran past its time limit (not a size or region problem).</summary>
    [Id(0)] public bool TimedOut { get; init; }
}
