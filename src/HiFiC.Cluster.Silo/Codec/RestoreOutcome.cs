namespace HiFiC.Cluster.Silo.Codec;

public sealed record RestoreOutcome(int Width, int Height, string? LatentHash, string ModelId, string ModelDigest);
