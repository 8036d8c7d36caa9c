using System.Diagnostics;
using HiFiC.Cli.Output;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Cli.Eval;

/// <summary>
/// Compresses an image in memory, decodes it back and measures it. The decoder's latent hash
/// must equal the encoder's: otherwise the bits decode differently than they were written (the
/// anchors' "decodes on one machine but not another" failure) and the image counts as failed.
/// </summary>
public sealed class ImageEvaluator(HificEncoder encoder, HificDecoder decoder, CompressOptions options)
{
    public EvalRow Evaluate(string path, string name, CancellationToken ct)
    {
        var image = ImageIO.Load(path);
        var file = new MemoryStream();
        var encodeClock = Stopwatch.StartNew();
        var result = encoder.Compress(image, file, options, ct);
        double encodeSeconds = encodeClock.Elapsed.TotalSeconds;
        file.Position = 0;
        var decodeClock = Stopwatch.StartNew();
        var decoded = decoder.Decompress(file, null, ct);
        double decodeSeconds = decodeClock.Elapsed.TotalSeconds;
        return new EvalRow(name, result.Width, result.Height, result.Bytes, result.Bpp, result.EstimatedBpp,
            JsonReport.Finite(Psnr.Compute(image.Rgb, decoded.Image)), MsSsim.Compute(image.Rgb, decoded.Image),
            encodeSeconds, decodeSeconds, decoded.LatentHash == result.LatentHash);
    }
}
