namespace HiFiC.Cluster.Silo.Codec;

public sealed record ModelInfo(string Id, string Digest);
