using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding.Split;

/// <summary>
/// Compression of one image split across processes: <see cref="TileCount"/> says how many tiles
/// there are, any process encodes any tile with <see cref="EncodeTile"/> (the same step
/// <see cref="HificEncoder.Compress"/> runs per tile, so the result is byte-identical), and one
/// process <see cref="Assemble"/>s the parts into the .hific. Parts carry their own checksum; the
/// caller may also pin each part's SHA-256, so a stale or foreign part is refused, never copied.
/// </summary>
public sealed class SplitEncoder(CodecModel model, HificEncoder encoder, LatentCodec latentCodec)
{
    public SplitEncoder(CodecModel model) : this(model, new LatentCodec(model)) { }

    private SplitEncoder(CodecModel model, LatentCodec latentCodec) : this(model, new HificEncoder(model, latentCodec), latentCodec) { }

    /// <summary>Tiles of a width x height image at <paramref name="tileSize"/> (symmetric in width and height, so EXIF rotation cannot change it).</summary>
    public static int TileCount(int width, int height, int tileSize) => new TileLayout(width, height, tileSize).Count;

    /// <summary>Encodes tile <paramref name="tile"/> of the image into a <see cref="TilePart"/>.</summary>
    public byte[] EncodeTile(LoadedImage image, CompressOptions options, int tile, CancellationToken ct = default)
    {
        options.Validate(model.Preset.RateLevels);
        var header = encoder.Header(image, options.Rate, options.TileSize);
        var encoded = encoder.EncodeTile(image, header, tile, options.EncoderMargin, options.RefineSteps, ct);
        return TilePart.Write(tile, new HificTilePayload(encoded.ZStream, encoded.YStream));
    }

    /// <summary>
    /// The .hific of the image from all its parts in tile order. With <paramref name="expectedSha256"/>
    /// each part must have that SHA-256 (<see cref="TilePart.Sha256"/>): checked before anything is concatenated.
    /// </summary>
    /// <exception cref="TilePartException">A part is missing, damaged, of another tile, or not the expected one.</exception>
    public AssembledFile Assemble(LoadedImage image, CompressOptions options, IReadOnlyList<byte[]> parts, IReadOnlyList<string>? expectedSha256 = null)
    {
        options.Validate(model.Preset.RateLevels);
        var header = encoder.Header(image, options.Rate, options.TileSize);
        var layout = new TileLayout(header.Width, header.Height, header.TileSize);
        if (parts.Count != layout.Count) throw new TilePartException($"{parts.Count} tile parts given; the image has {layout.Count} tiles");
        if (expectedSha256 is not null && expectedSha256.Count != parts.Count)
            throw new ArgumentException($"{expectedSha256.Count} expected hashes for {parts.Count} parts", nameof(expectedSha256));
        var payloads = new HificTilePayload[parts.Count];
        for (int t = 0; t < parts.Count; t++)
        {
            var part = parts[t] ?? throw new TilePartException($"tile {t}: part missing");
            if (expectedSha256 is not null && !string.Equals(TilePart.Sha256(part), expectedSha256[t], StringComparison.OrdinalIgnoreCase))
                throw new TilePartException($"tile {t}: the part's SHA-256 is not the one recorded when it was encoded (a stale or foreign part)");
            payloads[t] = TilePart.Read(part, t);
        }
        var bytes = HificWriter.WriteToArray(header, payloads, image.Alpha, metadata: image.Metadata);
        return new AssembledFile(bytes, header, layout.Count, LatentHash(header, payloads));
    }

    /// <summary>The latent hash the encoder would have computed, from the tiles' streams (entropy decoding only, no generator).</summary>
    public string LatentHash(HificHeader header, IReadOnlyList<HificTilePayload> tiles)
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
