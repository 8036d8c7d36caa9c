namespace HiFiC.Evaluation;

/// <summary>
/// One image coded by one codec at one setting. Bpp counts the whole compressed file; PSNR and
/// MS-SSIM are measured on 8-bit RGB against the same reference pixels for every codec;
/// Butteraugli is the 3-norm distance of <see cref="Evaluation.Butteraugli"/> (NaN without the tool).
/// </summary>
/// <param name="Kind">"classic" or "learned".</param>
/// <param name="Setting">The swept value: quality/quantizer/distance for classic codecs, rate t for our models.</param>
/// <param name="RefinedTiles">Tiles refined by the encoder (our models with refinement only).</param>
/// <param name="TilesKeptPlain">Of those, tiles where the guard kept step 0 (the plain latent).</param>
public sealed record RdPoint(
    string Image, int Width, int Height,
    string Codec, string Kind, string SettingName, double Setting,
    long Bytes, double Bpp, double Psnr, double MsSsim,
    double EncodeSeconds, double DecodeSeconds, double Butteraugli = double.NaN, int RefinedTiles = 0, int TilesKeptPlain = 0)
{
    public const string LearnedKind = "learned";
    public const string ClassicKind = "classic";

    /// <summary>MS-SSIM in dB, -10·log10(1 − MS-SSIM): the scale MS-SSIM curves are fitted and plotted on.</summary>
    public double MsSsimDb => MsSsimToDb(MsSsim);

    public static double MsSsimToDb(double msSsim) => -10 * Math.Log10(Math.Max(1 - msSsim, 1e-10));
}
