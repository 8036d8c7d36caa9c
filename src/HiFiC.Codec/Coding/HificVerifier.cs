using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Codec.Coding;

/// <summary>
/// Decodes bytes that are about to be stored and requires the encoder's latent hash: equal hashes
/// prove the file decodes bit-exactly here. Also measures what the decode looks like against the source.
/// </summary>
public static class HificVerifier
{
    /// <exception cref="VerificationException">The decoded latents differ from the encoder's.</exception>
    public static VerifyResult Verify(HificDecoder decoder, LoadedImage source, byte[] bytes, string latentHash, CancellationToken ct = default)
    {
        var decoded = decoder.Decompress(new MemoryStream(bytes, writable: false), null, ct);
        if (decoded.LatentHash != latentHash)
            throw new VerificationException(
                $"verify failed: decoded latent hash {decoded.LatentHash?[..16]}… differs from the encoder's {latentHash[..Math.Min(16, latentHash.Length)]}…");
        return new VerifyResult(Finite(Psnr.Compute(source.Rgb, decoded.Image)), Finite(MsSsim.Compute(source.Rgb, decoded.Image)));
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
