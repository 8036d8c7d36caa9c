using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Coding.Split;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Output;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>
/// <see cref="IImageCodec"/> over HificEncoder/HificDecoder. Streams are read and written here,
/// on the caller's side; only the tensor work goes to the <see cref="ModelPool"/>.
/// </summary>
public sealed class HificImageCodec(ModelPool pool, ICodecModelSource models) : IImageCodec
{
    public async Task<CompressOutcome> CompressAsync(Stream image, Stream output, CompressRequest request, CancellationToken ct)
    {
        // Pipeline stage before the network: decoding runs on the caller's side, so a model thread
        // only ever runs the networks (and the per-tile entropy coding between them).
        var (model, loaded) = await PrepareAsync(image, request, ct);
        var (outcome, bytes) = await pool.RunAsync<(CompressOutcome, byte[])>((session, token) =>
        {
            using var encoded = new MemoryStream();
            var options = request.Options; // checked by Load in PrepareAsync
            CompressResult result;
            HiFiC.Codec.Coding.ConstantQuality.ConstantQualityResult? quality = null;
            if (request.TargetMsSsim is { } target)
            {
                // The search decodes every rate it tries; the session's latent codec is this thread's.
                using var search = new HiFiC.Codec.Coding.ConstantQuality.ConstantQualityEncoder(model, session.Latent(model));
                quality = search.Compress(loaded, encoded, new HiFiC.Codec.Coding.ConstantQuality.QualityTarget(target), options, token);
                result = quality.Result;
            }
            else result = session.Encoder(model).Compress(loaded, encoded, options, token);
            var bytes = encoded.ToArray();
            // Decode exactly the bytes that will be written; the worker then checks storage returns them.
            var f = request.Verify ? Verify(session, model, loaded, bytes, result.LatentHash, token) : null;
            var outcome = new CompressOutcome(result.Width, result.Height, result.Tiles, bytes.Length, result.Bpp,
                result.LatentHash, model.Id, model.Digest, request.Verify, f?.Psnr, f?.MsSsim ?? quality?.MsSsim, f?.WorstTilePsnr, f?.WorstTileMsSsim)
            {
                ChosenRate = quality?.Choice.Rate,
                TargetReached = quality?.Choice.Reached,
            };
            return (outcome, bytes);
        }, ct);
        await output.WriteAsync(bytes, ct);
        return outcome;
    }

    /// <summary>Reads and decodes the image and checks the options, off the model threads (a thread-pool thread, never a grain's).</summary>
    private async Task<(CodecModel Model, LoadedImage Image)> PrepareAsync(Stream image, CompressRequest request, CancellationToken ct)
    {
        var input = await ReadAllAsync(image, ct);
        return await Task.Run(() =>
        {
            var model = models.Get(request.Model);
            return (model, Load(input, model, request));
        }, ct);
    }

    public async Task<RestoreOutcome> RestoreAsync(Stream bitstream, Stream image, ImageRegion? region, ImageOutputOptions? output, CancellationToken ct)
    {
        var input = await ReadAllAsync(bitstream, ct);
        var (outcome, pngBytes) = await pool.RunAsync<(RestoreOutcome, byte[])>((session, token) =>
        {
            try
            {
                var header = HificDecoder.ReadHeader(new MemoryStream(input, writable: false));
                var model = models.Get(Convert.ToHexStringLower(header.WeightsDigest));
                PixelRect? rect = region is null ? null : new PixelRect(region.X, region.Y, region.Width, region.Height);
                var decoded = session.Decoder(model).Decompress(new MemoryStream(input, writable: false), rect, token);
                using var ms = new MemoryStream();
                var options = output ?? ImageOutputOptions.Png;
                ImageWriter.Write(ms, decoded.Image, decoded.Source, decoded.Alpha, decoded.Metadata, options);
                var (w, h) = options.SizeFor(decoded.Image.Width, decoded.Image.Height);
                return (new RestoreOutcome(w, h, decoded.LatentHash, model.Id, model.Digest), ms.ToArray());
            }
            catch (Exception e) when (e is HificFormatException or EntropyDecodeException or ModelMismatchException)
            {
                throw new CodecInputException($"cannot decode: {e.Message}", e);
            }
        }, ct);
        await image.WriteAsync(pngBytes, ct);
        return outcome;
    }

    public Task<ImageShape> IdentifyAsync(Stream image, int tileSize, CancellationToken ct) =>
        // Header only: no pixels are decoded, so a huge image is sized in milliseconds.
        Task.Run(() =>
        {
            SixLabors.ImageSharp.IImageInfo? info;
            try { info = SixLabors.ImageSharp.Image.Identify(image); }
            catch (Exception e) when (e is SixLabors.ImageSharp.UnknownImageFormatException or SixLabors.ImageSharp.ImageFormatException)
            {
                throw new CodecInputException($"not an image or unsupported format ({e.Message})", e);
            }
            if (info is null || info.Width <= 0 || info.Height <= 0) throw new CodecInputException("not an image or unsupported format");
            // Tile count is symmetric in width and height, so EXIF rotation cannot change it.
            return new ImageShape(info.Width, info.Height, SplitEncoder.TileCount(info.Width, info.Height, tileSize));
        }, ct);

    public async Task<byte[]> CompressTileAsync(Stream image, int tile, CompressRequest request, CancellationToken ct)
    {
        var (model, loaded) = await PrepareAsync(image, request, ct);
        return await pool.RunAsync((session, token) => session.Split(model).EncodeTile(loaded, request.Options, tile, token), ct);
    }

    public async Task<CompressOutcome> AssembleAsync(Stream image, IReadOnlyList<byte[]> tiles, Stream output, CompressRequest request, CancellationToken ct)
    {
        var (model, loaded) = await PrepareAsync(image, request, ct);
        var (outcome, bytes) = await pool.RunAsync<(CompressOutcome, byte[])>((session, token) =>
        {
            AssembledFile file;
            try { file = session.Split(model).Assemble(loaded, request.Options, tiles, request.TileSha256); }
            catch (TilePartException e) { throw new CodecInputException(e.Message, e); }
            var f = request.Verify ? Verify(session, model, loaded, file.Bytes, file.LatentHash, token) : null;
            var outcome = new CompressOutcome(file.Header.Width, file.Header.Height, file.Tiles, file.Bytes.Length,
                file.Bpp, file.LatentHash, model.Id, model.Digest, request.Verify, f?.Psnr, f?.MsSsim, f?.WorstTilePsnr, f?.WorstTileMsSsim);
            return (outcome, file.Bytes);
        }, ct);
        await output.WriteAsync(bytes, ct);
        return outcome;
    }

    private static LoadedImage Load(byte[] input, CodecModel model, CompressRequest request)
    {
        try
        {
            request.Options.Validate(model.Preset.RateLevels);
            return ImageIO.Load(new MemoryStream(input, writable: false));
        }
        catch (ImageInputException e) { throw new CodecInputException(e.Message, e); }
        catch (ArgumentException e) { throw new CodecInputException(e.Message, e); }
    }

    /// <summary>Decodes the bytes to be written; equal latent hashes prove they decode bit-exactly here.</summary>
    private static Fidelity Verify(ModelSession session, HiFiC.Codec.Models.CodecModel model, LoadedImage source, byte[] bytes, string latentHash, CancellationToken token)
    {
        var decoded = session.Decoder(model).Decompress(new MemoryStream(bytes, writable: false), null, token);
        if (decoded.LatentHash != latentHash)
            throw new CodecInputException(
                $"verify failed: decoded latent hash {decoded.LatentHash?[..16]}… differs from the encoder's {latentHash[..16]}… (model {model.Id})");
        return FidelityMeasure.Measure(source.Rgb, decoded.Image, decoded.Header.TileSize);
    }

    public Task<ModelInfo> ResolveModelAsync(string? model, CancellationToken ct) =>
        // Loading weights is disk and CPU work: keep it off the caller's (possibly Orleans) thread.
        Task.Run(() =>
        {
            var m = models.Get(model);
            var names = m.Card.Rates.ToDictionary(r => r.Name, r => r.Rate, StringComparer.OrdinalIgnoreCase);
            names.TryAdd(CodecModel.DefaultRateName, m.RateNamed(CodecModel.DefaultRateName));
            int levels = m.Preset.RateLevels;
            return new ModelInfo(m.Id, m.Digest, names, RateGains.MinRate(levels), RateGains.MaxRate(levels));
        }, ct);

    private static async Task<byte[]> ReadAllAsync(Stream s, CancellationToken ct)
    {
        if (s is MemoryStream m && m.Position == 0 && m.TryGetBuffer(out var seg) && seg.Offset == 0 && seg.Count == seg.Array!.Length)
            return seg.Array;
        using var copy = new MemoryStream();
        await s.CopyToAsync(copy, ct);
        return copy.ToArray();
    }
}
