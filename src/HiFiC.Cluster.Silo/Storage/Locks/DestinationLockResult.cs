namespace HiFiC.Cluster.Silo.Storage.Locks;

/// <summary>Whether a job holds a destination now; when not, who does and until when.</summary>
public sealed record DestinationLockResult(bool Held, string? Holder = null, DateTime? HolderExpiresUtc = null);
