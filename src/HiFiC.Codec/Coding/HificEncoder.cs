using System.Diagnostics;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Coding;

/// <summary>
/// Image to .hific. Tiles are coded independently (each has its own z and y streams and can be
/// decoded alone), but the encoder sees EncoderMargin pixels of real neighbourhood around each
/// tile, so tile latents equal the whole-image latents and no seam is baked into the bits.
/// </summary>
public sealed class HificEncoder
{
    private readonly CodecModel model;
    private readonly LatentCodec latentCodec;

    public HificEncoder(CodecModel model, LatentCodec? sharedLatentCodec = null)
    {
        this.model = model;
        latentCodec = sharedLatentCodec ?? new LatentCodec(model);
    }

    /// <summary>The header Compress writes for this image (the rate stored as float32, as the decoder will read it).</summary>
    public HificHeader Header(LoadedImage image, double rate, int tileSize) =>
        new(model.Id, model.DigestBytes, image.Rgb.Width, image.Rgb.Height,
            new HificColorInfo(image.Source.Channels, image.Source.BitDepth, image.Alpha is not null),
            (float)rate, model.Preset.LatentChannels, model.Preset.HyperLatentChannels, tileSize);

    public CompressResult Compress(LoadedImage image, Stream output, CompressOptions? options = null, CancellationToken ct = default) =>
        Compress(image, output, options, analysis: null, ct);

    /// <summary>
    /// The analysis transform of every tile of <paramref name="image"/> (with its encoder margins), once:
    /// it does not depend on the rate (the rate's gain is applied after it), so a search over rates
    /// (<see cref="ConstantQuality.ConstantQualityEncoder"/>) codes each candidate rate from these.
    /// </summary>
    public ImageAnalysis Analyze(LoadedImage image, int tileSize, int encoderMargin = CompressOptions.DefaultEncoderMargin, CancellationToken ct = default)
    {
        var layout = new TileLayout(image.Rgb.Width, image.Rgb.Height, tileSize);
        var latents = new Tensor[layout.Count];
        try
        {
            for (int t = 0; t < layout.Count; t++)
            {
                ct.ThrowIfCancellationRequested();
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var context = TileLayout.Grow(layout.Core(t), encoderMargin, layout.CanvasWidth, layout.CanvasHeight);
                var yRaw = model.Network.Analyze(TensorImage.ToTensor(image.Rgb, context).to(model.Device));
                NumericFault.ThrowIfNotFinite(yRaw, "encoder");
                latents[t] = yRaw.MoveToOuterDisposeScope();
            }
        }
        catch
        {
            foreach (var l in latents) l?.Dispose();
            throw;
        }
        return new ImageAnalysis(image, tileSize, encoderMargin, latents);
    }

    /// <summary>As <see cref="Compress(LoadedImage, Stream, CompressOptions?, CancellationToken)"/>, reusing the tiles' analysis when <paramref name="analysis"/> is given (it must be of this image, tile size and margin).</summary>
    public CompressResult Compress(LoadedImage image, Stream output, CompressOptions? options, ImageAnalysis? analysis, CancellationToken ct = default)
    {
        options ??= new CompressOptions();
        options.Validate(model.Preset.RateLevels);
        if (analysis is not null && (!ReferenceEquals(analysis.Image, image) || analysis.TileSize != options.TileSize || analysis.EncoderMargin != options.EncoderMargin))
            throw new ArgumentException("The analysis is of another image, tile size or margin.", nameof(analysis));
        var clock = Stopwatch.StartNew();
        var rgb = image.Rgb;
        var layout = new TileLayout(rgb.Width, rgb.Height, options.TileSize);
        var header = Header(image, options.Rate, options.TileSize);

        var payloads = new HificTilePayload[layout.Count];
        double estimatedBits = 0;
        using var hasher = new LatentHasher();
        int refined = 0, keptPlain = 0;
        for (int t = 0; t < layout.Count; t++)
        {
            ct.ThrowIfCancellationRequested();
            var encoded = EncodeTile(image, header, t, options.EncoderMargin, options.RefineSteps, ct, analysis?.Latent(t));
            payloads[t] = new HificTilePayload(encoded.ZStream, encoded.YStream);
            estimatedBits += encoded.EstimatedBits;
            hasher.Append(encoded.ZSymbols, encoded.YSymbols);
            if (encoded.Refinement is { } r) { refined++; if (r.KeptStep == 0) keptPlain++; }
        }
        var bytes = HificWriter.WriteToArray(header, payloads, image.Alpha, metadata: image.Metadata);
        output.Write(bytes);
        long payloadBytes = payloads.Sum(p => (long)p.Length);
        return new CompressResult(rgb.Width, rgb.Height, layout.Count, bytes.Length, bytes.Length * 8.0 / ((double)rgb.Width * rgb.Height),
            estimatedBits, bytes.Length - payloadBytes, hasher.Finish(), clock.Elapsed)
        { RefineSteps = options.RefineSteps, RefinedTiles = refined, TilesKeptPlain = keptPlain };
    }

    /// <summary>
    /// One tile of <paramref name="header"/>'s image: the encoder sees <paramref name="encoderMargin"/>
    /// pixels of real context around it, and the latent of the tile's core is coded. Tiles are
    /// independent, so a cluster encodes the tiles of one image on different silos with this and
    /// assembles the same bytes Compress writes. With <paramref name="refineSteps"/> &gt; 0 the latent of
    /// the tile's context is refined for this image first (<see cref="LatentRefiner"/>).
    /// </summary>
    public EncodedLatent EncodeTile(LoadedImage image, HificHeader header, int tile, int encoderMargin = CompressOptions.DefaultEncoderMargin,
        int refineSteps = 0, CancellationToken ct = default, Tensor? analyzed = null)
    {
        var layout = new TileLayout(image.Rgb.Width, image.Rgb.Height, header.TileSize);
        if (tile < 0 || tile >= layout.Count) throw new ArgumentOutOfRangeException(nameof(tile), $"tile {tile} of {layout.Count}");
        // The rate as stored (float32) is what the decoder will use: use exactly that here too.
        double rate = header.Rate;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var gain = model.Network.Gains.Gain(rate);
        var core = layout.Core(tile);
        var context = TileLayout.Grow(core, encoderMargin, layout.CanvasWidth, layout.CanvasHeight);
        var x = TensorImage.ToTensor(image.Rgb, context).to(model.Device);
        // The analysis does not depend on the rate: a rate search passes it in, computed once.
        var yRaw = analyzed ?? model.Network.Analyze(x);
        if (analyzed is null) NumericFault.ThrowIfNotFinite(yRaw, "encoder");
        var latentCore = new PixelRect((core.X - context.X) / 16, (core.Y - context.Y) / 16, core.Width / 16, core.Height / 16);
        if (refineSteps > 0)
        {
            // Distortion is measured on the core's real pixels only: not the margins (other tiles' pixels)
            // nor the edge replication that pads the canvas.
            var inside = core.Intersect(image.Rgb.Bounds);
            var outcome = LatentRefiner.Refine(model.Network, latentCodec, x, yRaw, rate, new RefineSchedule(refineSteps), latentCore,
                new PixelRect(inside.X - context.X, inside.Y - context.Y, inside.Width, inside.Height), seed: tile, ct);
            return outcome.Encoded with { Refinement = outcome };
        }
        var y = yRaw * gain;
        var yCore = y.narrow(2, latentCore.Y, latentCore.Height).narrow(3, latentCore.X, latentCore.Width);
        return latentCodec.Encode(yCore.contiguous());
    }
}
