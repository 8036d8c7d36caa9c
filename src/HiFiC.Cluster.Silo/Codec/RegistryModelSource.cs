using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>Models from <see cref="ModelRegistry"/> (HIFIC_MODELS, models/ beside the program or above the working folder).</summary>
public sealed class RegistryModelSource(ModelRegistry registry) : ICodecModelSource
{
    public CodecModel Get(string? nameOrDigest) => registry.Load(nameOrDigest);
}
