using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// A fixed set of already-loaded models (tests, or a host that loads its model itself). The first
/// one is the default. Names match by id or digest prefix.
/// </summary>
public sealed class FixedModelSource : ICodecModelSource
{
    private readonly IReadOnlyList<CodecModel> models;

    public FixedModelSource(params CodecModel[] models)
    {
        if (models.Length == 0) throw new ArgumentException("At least one model is needed.", nameof(models));
        this.models = models;
    }

    public CodecModel Get(string? nameOrDigest)
    {
        if (string.IsNullOrEmpty(nameOrDigest)) return models[0];
        return models.FirstOrDefault(m => string.Equals(m.Id, nameOrDigest, StringComparison.OrdinalIgnoreCase))
            ?? models.FirstOrDefault(m => nameOrDigest.Length >= 8 && m.Digest.StartsWith(nameOrDigest, StringComparison.OrdinalIgnoreCase))
            ?? throw new ModelNotFoundException($"Model '{nameOrDigest}' is not among the silo's models ({string.Join(", ", models.Select(m => m.Id))}).");
    }
}
