using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using static TorchSharp.torch;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// Tile-level helpers of the cluster's split encoding (tiles of one image encoded by different
/// silos with HificEncoder.EncodeTile, the same step Compress runs, then assembled).
/// </summary>
internal static class TileEncoder
{
    /// <summary>The latent hash the encoder would have computed, from the tiles' streams (entropy decoding only, no generator).</summary>
    public static string LatentHash(LatentCodec latentCodec, HificHeader header, IReadOnlyList<HificTilePayload> tiles)
    {
        var layout = new TileLayout(header.Width, header.Height, header.TileSize);
        using var hasher = new LatentHasher();
        using var noGrad = no_grad();
        for (int t = 0; t < tiles.Count; t++)
        {
            var lc = layout.LatentCore(t);
            var (yHat, zs, ys) = latentCodec.Decode(tiles[t].Z, tiles[t].Y, lc.Height, lc.Width);
            yHat.Dispose();
            hasher.Append(zs, ys);
        }
        return hasher.Finish();
    }
}
