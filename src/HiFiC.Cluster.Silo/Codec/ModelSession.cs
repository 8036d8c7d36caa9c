using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.Split;
using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// What one pool thread owns: an encoder and a decoder per model, built on first use. Each has its
/// own LatentCodec (float64 copies of the hyper-synthesis), so no tensor is shared between threads
/// except the read-only weights.
/// </summary>
public sealed class ModelSession : IDisposable
{
    private readonly Dictionary<string, (HificEncoder Encoder, HificDecoder Decoder, LatentCodec Latent, SplitEncoder Split)> byDigest = new();

    public int Index { get; }

    internal ModelSession(int index) => Index = index;

    public HificEncoder Encoder(CodecModel model) => Get(model).Encoder;
    public HificDecoder Decoder(CodecModel model) => Get(model).Decoder;
    public LatentCodec Latent(CodecModel model) => Get(model).Latent;
    public SplitEncoder Split(CodecModel model) => Get(model).Split;

    private (HificEncoder Encoder, HificDecoder Decoder, LatentCodec Latent, SplitEncoder Split) Get(CodecModel model)
    {
        if (!byDigest.TryGetValue(model.Digest, out var entry))
        {
            var latent = new LatentCodec(model);
            var encoder = new HificEncoder(model, latent);
            entry = (encoder, new HificDecoder(model, latent), latent, new SplitEncoder(model, encoder, latent));
            byDigest[model.Digest] = entry;
        }
        return entry;
    }

    public void Dispose()
    {
        foreach (var e in byDigest.Values) e.Latent.Dispose();
        byDigest.Clear();
    }
}
