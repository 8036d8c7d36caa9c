using HiFiC.Codec.Coding;

namespace HiFiC.Cluster.Silo.Codec;

/// <param name="Model">Model id, digest or folder (jobs pass the digest they pinned).</param>
/// <param name="Verify">Decode the produced bitstream, require the encoder's latent hash, and measure PSNR/MS-SSIM.</param>
/// <param name="RefineSteps">Encoder-side latent refinement steps (0 = off).</param>
public sealed record CompressRequest(string Model, double Rate, int TileSize, bool Verify, int RefineSteps = 0)
{
    public CompressOptions Options => new() { Rate = Rate, TileSize = TileSize, RefineSteps = RefineSteps };
}
