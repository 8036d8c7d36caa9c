namespace HiFiC.Cli.Eval;

/// <summary>
/// One evaluated image. Bpp counts the whole .hific file; EstimatedBpp is what the model's
/// likelihoods predicted; they differ by the entropy coder's overhead. PSNR is null (JSON has
/// no infinity) when the reconstruction is exact.
/// </summary>
public sealed record EvalRow(
    string File, int Width, int Height, long Bytes, double Bpp, double EstimatedBpp, double? Psnr, double MsSsim,
    double EncodeSeconds, double DecodeSeconds, bool LatentHashMatch);
