using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;
using static TorchSharp.torch;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// The per-tile step of HificEncoder.Compress, so tiles of one image can be encoded by different
/// silos. It must stay step for step the same as the encoder's loop (context margin, float32
/// rate, gain, raster order): the tests compare an assembled file with a whole-image one byte for
/// byte, which catches any drift.
/// </summary>
internal static class TileEncoder
{
    public const int EncoderMargin = 64;

    public static HificHeader Header(CodecModel model, LoadedImage image, double rate, int tileSize) =>
        new(model.Id, model.DigestBytes, image.Rgb.Width, image.Rgb.Height,
            new HificColorInfo(image.Source.Channels, image.Source.BitDepth, image.Alpha is not null),
            (float)rate, model.Preset.LatentChannels, model.Preset.HyperLatentChannels, tileSize);

    public static EncodedLatent Encode(CodecModel model, LatentCodec latentCodec, LoadedImage image, HificHeader header, int tile)
    {
        var rgb = image.Rgb;
        var layout = new TileLayout(rgb.Width, rgb.Height, header.TileSize);
        if (tile < 0 || tile >= layout.Count) throw new ArgumentOutOfRangeException(nameof(tile), $"tile {tile} of {layout.Count}");
        double rate = header.Rate;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var gain = model.Network.Gains.Gain(rate);
        var core = layout.Core(tile);
        var context = TileLayout.Grow(core, EncoderMargin, layout.CanvasWidth, layout.CanvasHeight);
        var x = TensorImage.ToTensor(rgb, context).to(model.Device);
        var y = model.Network.Analyze(x);
        var yCore = y.narrow(2, (core.Y - context.Y) / 16, core.Height / 16)
                     .narrow(3, (core.X - context.X) / 16, core.Width / 16) * gain;
        return latentCodec.Encode(yCore.contiguous());
    }

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
