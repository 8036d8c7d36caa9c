using HiFiC.Codec.Coding;

namespace HiFiC.Cluster.Silo.Codec;

/// <param name="Model">Model id, digest or folder (jobs pass the digest they pinned).</param>
/// <param name="Verify">Decode the produced bitstream, require the encoder's latent hash, and measure PSNR/MS-SSIM.</param>
/// <param name="RefineSteps">Encoder-side latent refinement steps (0 = off).</param>
/// <param name="TileSha256">For assembly: the SHA-256 each tile part must have (as recorded when it was encoded); null = parts are checked only against their own checksum.</param>
/// <param name="TargetMsSsim">Constant quality: the rate is chosen per image (the lowest reaching this MS-SSIM, knee-capped) and <paramref name="Rate"/> is unused.</param>
public sealed record CompressRequest(string Model, double Rate, int TileSize, bool Verify, int RefineSteps = 0, IReadOnlyList<string>? TileSha256 = null,
    double? TargetMsSsim = null)
{
    public CompressOptions Options => new() { Rate = Rate, TileSize = TileSize, RefineSteps = RefineSteps };
}
