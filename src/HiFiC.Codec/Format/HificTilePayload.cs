namespace HiFiC.Codec.Format;

/// <summary>The two entropy-coded streams of one tile: the hyper-latent z (decoded first, it
/// gives the scales) and the latent y.</summary>
public sealed record HificTilePayload(byte[] Z, byte[] Y)
{
    public int Length => Z.Length + Y.Length;
}
