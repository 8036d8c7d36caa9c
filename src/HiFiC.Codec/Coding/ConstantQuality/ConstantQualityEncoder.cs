using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Codec.Coding.ConstantQuality;

/// <summary>What a constant-quality encode wrote: the rate chosen and why, and the file's measured MS-SSIM.</summary>
/// <param name="Refined">Whether the written file is the refined encode at the chosen rate (false: the plain one).</param>
public sealed record ConstantQualityResult(RateSearchResult Choice, CompressResult Result, double MsSsim, bool Refined);

/// <summary>
/// Codes an image at the lowest rate whose decoded image reaches a <see cref="QualityTarget"/>.
/// The analysis transform runs once (<see cref="HificEncoder.Analyze"/>); each rate the search
/// tries is then only the gain, the hyperprior, the entropy coder and the decoder, and its
/// quality is measured on the real file's decoded pixels. The search codes without refinement
/// (cheap); with refinement steps the chosen rate is then refined, and the refined file is kept
/// only when it still reaches the target (or, where the target was out of reach, the plain file's
/// quality): refinement minimises bits and distortion together, not MS-SSIM alone.
/// </summary>
public sealed class ConstantQualityEncoder(CodecModel model, LatentCodec? sharedLatentCodec = null) : IDisposable
{
    private readonly LatentCodec latentCodec = sharedLatentCodec ?? new LatentCodec(model);

    /// <summary>Disposes the latent codec if this encoder made it.</summary>
    public void Dispose()
    {
        if (sharedLatentCodec is null) latentCodec.Dispose();
    }

    public ConstantQualityResult Compress(LoadedImage image, Stream output, QualityTarget target, CompressOptions? options = null, CancellationToken ct = default)
    {
        target.Validate();
        options ??= new CompressOptions();
        options.Validate(model.Preset.RateLevels);
        var encoder = new HificEncoder(model, latentCodec);
        var decoder = new HificDecoder(model, latentCodec);
        int levels = model.Preset.RateLevels;
        var plain = options with { RefineSteps = 0 };
        var files = new Dictionary<double, (byte[] Bytes, CompressResult Result)>();
        using var analysis = encoder.Analyze(image, options.TileSize, options.EncoderMargin, ct);

        (byte[] Bytes, CompressResult Result, double MsSsim) Code(CompressOptions o)
        {
            using var file = new MemoryStream();
            var result = encoder.Compress(image, file, o, analysis, ct);
            var bytes = file.ToArray();
            var decoded = decoder.Decompress(new MemoryStream(bytes, writable: false), ct: ct);
            return (bytes, result, MsSsim.Compute(image.Rgb, decoded.Image));
        }

        var choice = RateSearch.Find(RateGains.MinRate(levels), RateGains.MaxRate(levels), target, t =>
        {
            var (bytes, result, q) = Code(plain with { Rate = t });
            files[t] = (bytes, result);
            return q;
        }, ct);

        var (chosen, chosenResult) = files[choice.Rate];
        double quality = choice.MsSsim;
        bool refined = false;
        if (options.RefineSteps > 0)
        {
            var r = Code(options with { Rate = choice.Rate });
            if (r.MsSsim >= Math.Min(target.MinMsSsim, choice.MsSsim))
            {
                (chosen, chosenResult, quality, refined) = (r.Bytes, r.Result, r.MsSsim, true);
            }
        }
        output.Write(chosen);
        return new ConstantQualityResult(choice, chosenResult, quality, refined);
    }
}
