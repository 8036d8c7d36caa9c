using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Training;

/// <summary>
/// CSV logs of a run (appended, so resumed runs continue the same files) and a PNG of the curves.
/// train.csv: per logged step and level, means over the window; monitor.csv: fixed eval crops
/// per level at each checkpoint.
/// </summary>
public sealed class TrainingLog
{
    public const string TrainHeader = "step,phase,level,bpp,psnr,msssim,mse255,lambda,adversarial,loss_d,sec_per_step,rss_mb";
    public const string MonitorHeader = "step,level,bpp,psnr,msssim";
    private readonly string dir;

    public TrainingLog(string dir)
    {
        this.dir = dir;
        Directory.CreateDirectory(dir);
    }

    public string TrainCsv => Path.Combine(dir, "train.csv");
    public string MonitorCsv => Path.Combine(dir, "monitor.csv");
    public string PlotPng => Path.Combine(dir, "curves.png");

    /// <summary>Drops rows beyond the resumed step, so a run that died after its last checkpoint does not log those steps twice.</summary>
    public void TruncateAfter(long step)
    {
        foreach (var file in new[] { TrainCsv, MonitorCsv })
        {
            if (!File.Exists(file)) continue;
            var lines = File.ReadAllLines(file);
            var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => long.TryParse(l.Split(',')[0], out var s) && s <= step)).ToArray();
            File.WriteAllLines(file, kept);
        }
    }

    public void AppendTrain(string row) => Append(TrainCsv, TrainHeader, row);
    public void AppendMonitor(string row) => Append(MonitorCsv, MonitorHeader, row);

    private static void Append(string file, string header, string row)
    {
        if (!File.Exists(file)) File.WriteAllText(file, header + "\n");
        File.AppendAllText(file, row + "\n");
    }

    public static string F(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);

    /// <summary>
    /// Three panels (bpp, PSNR, MS-SSIM against step, one line per level) stacked in one PNG. MS-SSIM is
    /// drawn in dB, -10·log10(1 - MS-SSIM): on the raw scale everything after the first thousand steps
    /// is a flat line near 0.9, and the slope that matters cannot be read.
    /// </summary>
    public void Plot()
    {
        if (!File.Exists(TrainCsv)) return;
        var rows = File.ReadAllLines(TrainCsv).Skip(1).Select(l => l.Split(',')).Where(c => c.Length >= 6).ToList();
        var monitor = File.Exists(MonitorCsv)
            ? File.ReadAllLines(MonitorCsv).Skip(1).Select(l => l.Split(',')).Where(c => c.Length >= 5).ToList()
            : new List<string[]>();
        var panels = new List<byte[]>();
        static double Same(double v) => v;
        static double Db(double ms) => -10 * Math.Log10(Math.Max(1 - ms, 1e-10));
        foreach (var (column, monitorColumn, title, map) in new (int, int, string, Func<double, double>)[]
                     { (3, 2, "bpp", Same), (4, 3, "PSNR (dB)", Same), (5, 4, "MS-SSIM (dB: -10 log10(1 - MS-SSIM))", Db) })
        {
            var plot = new ScottPlot.Plot();
            foreach (var level in rows.Select(r => r[2]).Distinct().Order())
            {
                var series = rows.Where(r => r[2] == level).ToList();
                var xs = series.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToArray();
                var ys = Smooth(series.Select(r => map(double.Parse(r[column], CultureInfo.InvariantCulture))).ToArray(), 20);
                var line = plot.Add.ScatterLine(xs, ys);
                line.LegendText = $"train level {level}";
                var mon = monitor.Where(r => r[1] == level).ToList();
                if (mon.Count > 0)
                {
                    var m = plot.Add.ScatterPoints(mon.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToArray(),
                        mon.Select(r => map(double.Parse(r[monitorColumn], CultureInfo.InvariantCulture))).ToArray());
                    m.LegendText = $"eval crops level {level}";
                }
            }
            plot.Title(title);
            plot.XLabel("step");
            plot.ShowLegend();
            panels.Add(plot.GetImageBytes(1000, 360, ScottPlot.ImageFormat.Png));
        }
        using var sheet = new Image<Rgba32>(1000, 360 * panels.Count);
        for (int i = 0; i < panels.Count; i++)
        {
            using var panel = Image.Load<Rgba32>(panels[i]);
            sheet.Mutate(c => c.DrawImage(panel, new Point(0, 360 * i), 1f));
        }
        sheet.SaveAsPng(PlotPng);
    }

    private static double[] Smooth(double[] v, int window)
    {
        var result = new double[v.Length];
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
