using ScottPlot;

namespace HiFiC.Evaluation;

/// <summary>RD-curve plots (dataset means) as PNG: PSNR vs bpp and MS-SSIM (dB) vs bpp.</summary>
public static class RdPlots
{
    public const string PsnrFile = "rd-psnr.png";
    public const string MsSsimFile = "rd-msssim.png";
    /// <summary>Curves are drawn up to this bpp: the interesting range for a generative codec, and where the sweeps are dense.</summary>
    public const double MaxBpp = 1.5;

    public static IReadOnlyList<string> Write(IReadOnlyList<RdCurve> curves, string outDir, int width = 900, int height = 600)
    {
        var psnr = Path.Combine(outDir, PsnrFile);
        var msssim = Path.Combine(outDir, MsSsimFile);
        Draw(curves, p => p.Psnr, "PSNR (dB, RGB)", psnr, width, height);
        Draw(curves, p => p.MsSsimDb, "MS-SSIM (dB) = -10 log10(1 - MS-SSIM)", msssim, width, height);
        return [psnr, msssim];
    }

    private static void Draw(IReadOnlyList<RdCurve> curves, Func<RdCurvePoint, double> metric, string yLabel, string path, int width, int height)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double yMin = double.MaxValue, yMax = double.MinValue, xMax = 0;
        for (int i = 0; i < curves.Count; i++)
        {
            var shown = curves[i].Points.Where(p => p.Bpp <= MaxBpp).ToList();
            if (shown.Count == 0) continue;
            var line = plot.Add.Scatter(shown.Select(p => p.Bpp).ToArray(), shown.Select(metric).ToArray());
            bool ours = curves[i].Kind == RdPoint.LearnedKind;
            line.LegendText = curves[i].Label;
            line.Color = palette.GetColor(i);
            line.LineWidth = ours ? 3 : 2;
            line.MarkerSize = ours ? 9 : 6;
            yMin = Math.Min(yMin, shown.Min(metric));
            yMax = Math.Max(yMax, shown.Max(metric));
            xMax = Math.Max(xMax, shown.Max(p => p.Bpp));
        }
        int images = curves.Count > 0 ? curves.Max(c => c.Images) : 0;
        plot.Title($"Rate–distortion, mean over {images} images");
        plot.XLabel("bits per pixel (whole file)");
        plot.YLabel(yLabel);
        if (xMax > 0)
        {
            double pad = (yMax - yMin) * 0.05 + 0.1;
            plot.Axes.SetLimits(0, xMax * 1.03, yMin - pad, yMax + pad);
        }
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, width, height);
    }
}
