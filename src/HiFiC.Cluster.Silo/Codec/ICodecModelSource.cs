using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>Where the silo's models come from: the model registry in production, a fixed in-memory model in tests.</summary>
public interface ICodecModelSource
{
    /// <summary>A model by id, digest (or 8+ digit prefix) or folder; null = the default. Implementations cache: callers ask often.</summary>
    CodecModel Get(string? nameOrDigest);
}
