namespace HiFiC.Cluster.Silo.Codec;

/// <summary>How close a decoded image is to its source: over the whole image and on its worst tile
/// (a local artefact hardly moves the mean). Null where a value is not finite (PSNR of identical images).</summary>
public sealed record Fidelity(double? Psnr, double? MsSsim, double? WorstTilePsnr, double? WorstTileMsSsim);
