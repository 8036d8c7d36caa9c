using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>
/// .hific to pixels. The generator runs on synthesis blocks: rectangles of whole tiles (the same
/// latent grid the encoder coded), each synthesised in one pass from its tiles' latents plus
/// LatentMargin latents of its neighbours (entropy-decoded on demand), so the generator sees
/// across block borders and no seams appear. A block is as many tiles as fit
/// <see cref="MaxSynthesisPixels"/> with their margins (the whole image when it fits): margins are
/// synthesised twice, once for each side, so fewer and larger blocks do less work (1.48x the
/// image's area with one block per 512 px tile on a 1134x756 photo, 1x as one block). The blocks
/// depend only on the image's tile grid and the limit, never on the region asked for, so a region
/// decodes to the same pixels as the whole image. Blocks go row by row and decoded latents are
/// dropped once no later block needs them: memory is bounded by the limit and a few tile rows,
/// whatever the image size. A region restore decodes only the blocks it meets.
/// </summary>
public sealed class HificDecoder
{
    private readonly CodecModel model;
    private readonly LatentCodec latentCodec;

    /// <summary>Latent pixels (x16 image pixels) of neighbourhood given to the generator around each tile.</summary>
    public int LatentMargin { get; init; } = 4;

    /// <summary>
    /// Default <see cref="MaxSynthesisPixels"/>: 2 MP, margins included (a 1448² pass). The generator's
    /// full-resolution tensors are a few hundred bytes a pixel; the flower's one 0.88 MP pass peaked
    /// within ~40 MB of its six tile passes, and a 6 MP image decoded in 2 MP blocks
    /// peaked 178 MB above tile by tile (docs/results/decode).
    /// </summary>
    public const long DefaultMaxSynthesisPixels = 2L << 20;

    /// <summary>
    /// The most output pixels (margins included) one generator pass may synthesise: bounds the decoder's
    /// memory. A single tile with its margins is synthesised whatever this says (the encoder chose the tile).
    /// It changes the decoded pixels near tile borders slightly (the generator sees more context), so an
    /// archive's restores and a direct decode must use the same value to give the same pixels.
    /// </summary>
    public long MaxSynthesisPixels { get; init; } = DefaultMaxSynthesisPixels;

    public HificDecoder(CodecModel model, LatentCodec? sharedLatentCodec = null)
    {
        this.model = model;
        latentCodec = sharedLatentCodec ?? new LatentCodec(model);
    }

    public static HificHeader ReadHeader(Stream input)
    {
        using var reader = HificReader.Open(input, leaveOpen: true);
        return reader.Header;
    }

    /// <summary>Checks the file was written by this model and fits its shape.</summary>
    public void CheckModel(HificHeader header)
    {
        if (!header.WeightsDigest.AsSpan().SequenceEqual(model.DigestBytes))
            throw new ModelMismatchException(
                $"File was written by model '{header.ModelId}' (digest {Convert.ToHexStringLower(header.WeightsDigest)[..16]}…) " +
                $"but the model given is '{model.Id}' (digest {model.Digest[..16]}…).");
        if (header.LatentChannels != model.Preset.LatentChannels || header.HyperChannels != model.Preset.HyperLatentChannels)
            throw new HificFormatException($"File declares {header.LatentChannels}/{header.HyperChannels} latent/hyper channels; model '{model.Id}' has {model.Preset.LatentChannels}/{model.Preset.HyperLatentChannels}.");
        if (!RateGains.InRange(header.Rate, model.Preset.RateLevels))
            throw new HificFormatException($"File's rate {header.Rate} is outside model '{model.Id}''s range {RateGains.RangeText(model.Preset.RateLevels)}.");
    }

    public DecodedImage Decompress(Stream input, PixelRect? region = null, CancellationToken ct = default)
    {
        using var reader = HificReader.Open(input, leaveOpen: true);
        return Decompress(reader, region, ct);
    }

    public DecodedImage Decompress(HificReader reader, PixelRect? region = null, CancellationToken ct = default)
    {
        var header = reader.Header;
        CheckModel(header);
        var full = new PixelRect(0, 0, header.Width, header.Height);
        var target = region ?? full;
        if (target.Width <= 0 || target.Height <= 0 || target.X < 0 || target.Y < 0 || target.Right > header.Width || target.Bottom > header.Height)
            throw new ArgumentException($"Region {target.X},{target.Y},{target.Width},{target.Height} is not inside the {header.Width}x{header.Height} image.");
        bool whole = target == full;
        var layout = new TileLayout(header.Width, header.Height, header.TileSize);
        var output = new RgbImage(target.Width, target.Height);
        double rate = header.Rate;

        var blocks = SynthesisBlocks.For(layout, LatentMargin, MaxSynthesisPixels);
        var outputBlocks = blocks.Meeting(layout.TilesMeeting(target));
        var needs = outputBlocks.ToDictionary(b => b, b => NeededTiles(layout, blocks.LatentCore(b)));
        var cache = new Dictionary<int, Tensor>();
        using var hasher = whole ? new LatentHasher() : null;
        // Tiles are hashed in raster order (as the encoder did) though they decode in need order.
        var pending = new Dictionary<int, (int[] Z, int[] Y)>();
        int nextHash = 0;
        try
        {
            using var noGrad = no_grad();
            for (int i = 0; i < outputBlocks.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                int b = outputBlocks[i];
                foreach (var k in needs[b].Where(k => !cache.ContainsKey(k)))
                {
                    var lc = layout.LatentCore(k);
                    var payload = reader.ReadTile(k);
                    var (yHat, zs, ys) = latentCodec.Decode(payload.Z, payload.Y, lc.Height, lc.Width, reader.StreamLayout);
                    cache[k] = yHat;
                    if (hasher is not null && k >= nextHash) pending[k] = (zs, ys);
                }
                while (hasher is not null && pending.Remove(nextHash, out var s))
                {
                    hasher.Append(s.Z, s.Y);
                    nextHash++;
                }
                SynthesizeBlock(layout, blocks.LatentCore(b), cache, rate, target, output);
                // Drop latents no remaining block needs.
                var stillNeeded = outputBlocks.Skip(i + 1).SelectMany(o => needs[o]).ToHashSet();
                foreach (var k in cache.Keys.Where(k => !stillNeeded.Contains(k)).ToList())
                {
                    cache[k].Dispose();
                    cache.Remove(k);
                }
            }
        }
        finally
        {
            foreach (var v in cache.Values) v.Dispose();
        }
        // Only the region's alpha is allocated, however large the image.
        var alpha = reader.ReadAlpha(target.X, target.Y, target.Width, target.Height);
        var source = new SourceColor(header.Color.SourceChannels, header.Color.SourceBitDepth, header.Color.HasAlpha);
        return new DecodedImage(output, target, header, source, alpha, hasher?.Finish()) { Metadata = reader.ReadMetadata() };
    }

    private List<int> NeededTiles(TileLayout layout, PixelRect latentCore)
    {
        var rect = TileLayout.Grow(latentCore, LatentMargin, layout.LatentCanvasWidth, layout.LatentCanvasHeight);
        return layout.TilesMeetingLatent(rect).ToList();
    }

    private void SynthesizeBlock(TileLayout layout, PixelRect core, Dictionary<int, Tensor> cache, double rate, PixelRect target, RgbImage output)
    {
        using var scope = NewDisposeScope();
        var rect = TileLayout.Grow(core, LatentMargin, layout.LatentCanvasWidth, layout.LatentCanvasHeight);
        var latent = zeros(1, model.Preset.LatentChannels, rect.Height, rect.Width);
        foreach (var k in layout.TilesMeetingLatent(rect))
        {
            var kc = layout.LatentCore(k);
            var overlap = kc.Intersect(rect);
            if (overlap.IsEmpty) continue;
            var src = cache[k].narrow(2, overlap.Y - kc.Y, overlap.Height).narrow(3, overlap.X - kc.X, overlap.Width);
            latent.narrow(2, overlap.Y - rect.Y, overlap.Height).narrow(3, overlap.X - rect.X, overlap.Width).copy_(src);
        }
        var image = model.Network.Synthesize(latent.to(model.Device), rate);
        NumericFault.ThrowIfNotFinite(image, "generator");
        // The block's pixels inside the image and the requested region.
        var corePx = new PixelRect(core.X * 16, core.Y * 16, core.Width * 16, core.Height * 16);
        var visible = corePx.Intersect(new PixelRect(0, 0, layout.Width, layout.Height)).Intersect(target);
        if (visible.IsEmpty) return;
        var src2 = new PixelRect(visible.X - rect.X * 16, visible.Y - rect.Y * 16, visible.Width, visible.Height);
        TensorImage.CopyToImage(image, src2, output, visible.X - target.X, visible.Y - target.Y);
    }
}
