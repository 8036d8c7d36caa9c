namespace HiFiC.Cluster.Silo.Codec;

/// <summary>What one compression produced. Psnr/MsSsim (whole image and worst tile) are set only when verification ran.</summary>
public sealed record CompressOutcome(
    int Width, int Height, int Tiles, long Bytes, double Bpp, string LatentHash,
    string ModelId, string ModelDigest, bool Verified, double? Psnr, double? MsSsim,
    double? WorstTilePsnr = null, double? WorstTileMsSsim = null)
{
    /// <summary>Constant quality: the rate chosen for this image, and whether its decoded image reached the target.</summary>
    public double? ChosenRate { get; init; }
    public bool? TargetReached { get; init; }
}
