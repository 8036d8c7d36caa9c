namespace HiFiC.Cli.Eval;

/// <summary>Means over the images that were evaluated (each image weighs the same, as in the paper's Kodak tables).</summary>
public sealed record EvalMeans(int Images, double Bpp, double EstimatedBpp, double? Psnr, double MsSsim, double EncodeSeconds, double DecodeSeconds)
{
    public static EvalMeans? Of(IReadOnlyList<EvalRow> rows)
    {
        if (rows.Count == 0) return null;
        // An exact image (infinite PSNR) would make the mean infinite: average the finite ones.
        var psnr = rows.Where(r => r.Psnr is not null).Select(r => r.Psnr!.Value).ToList();
        return new EvalMeans(rows.Count, rows.Average(r => r.Bpp), rows.Average(r => r.EstimatedBpp), psnr.Count > 0 ? psnr.Average() : null,
            rows.Average(r => r.MsSsim), rows.Average(r => r.EncodeSeconds), rows.Average(r => r.DecodeSeconds));
    }
}
