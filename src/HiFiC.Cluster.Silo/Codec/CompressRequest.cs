namespace HiFiC.Cluster.Silo.Codec;

/// <param name="Model">Model id, digest or folder (jobs pass the digest they pinned).</param>
/// <param name="Verify">Decode the produced bitstream, require the encoder's latent hash, and measure PSNR/MS-SSIM.</param>
public sealed record CompressRequest(string Model, double Rate, int TileSize, bool Verify);
