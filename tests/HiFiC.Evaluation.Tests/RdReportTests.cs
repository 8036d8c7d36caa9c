using System.Globalization;
using HiFiC.Evaluation;

namespace HiFiC.Evaluation.Tests;

public sealed class RdReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("hific-rdreport-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Mean_curves_average_each_setting_over_the_images()
    {
        var points = SyntheticPoints.Make();
        var curve = RdCurve.Mean("jpeg", "JPEG", points);
        Assert.Equal(2, curve.Images);
        Assert.Equal(4, curve.Points.Count);
        var q30 = curve.Points.Single(p => p.Setting == 30);
        var expected = points.Where(p => p.Codec == "jpeg" && p.Setting == 30).ToList();
        Assert.Equal(expected.Average(p => p.Bpp), q30.Bpp, 12);
        Assert.Equal(expected.Average(p => p.Psnr), q30.Psnr, 12);
        Assert.Equal(2, q30.Images);
    }

    [Fact]
    public void Images_missing_a_setting_are_left_out_of_the_mean_so_every_point_covers_the_same_images()
    {
        var points = SyntheticPoints.Make().Where(p => !(p.Image == "b" && p.Codec == "jpeg" && p.Setting == 70)).ToList();
        var curve = RdCurve.Mean("jpeg", "JPEG", points);
        Assert.Equal(1, curve.Images);
        Assert.All(curve.Points, p => Assert.Equal(1, p.Images));
    }

    [Fact]
    public void The_per_image_summary_is_the_median_so_one_runaway_image_does_not_dominate()
    {
        Assert.Equal(-10, BdRateTable.Median([-12, -10, 272328]), 12);
        Assert.Equal(-11, BdRateTable.Median([-12, -10, 5000, -40]), 12);
        Assert.True(double.IsNaN(BdRateTable.Median([])));
    }

    [Fact]
    public void A_codec_with_half_the_bits_at_equal_quality_is_minus_50_percent_on_both_metrics_and_per_image()
    {
        var points = SyntheticPoints.Make();
        var curves = new[] { RdCurve.Mean("ours", "HiFiC ours", points), RdCurve.Mean("jpeg", "JPEG", points) };
        var table = BdRateTable.Build(curves, points, ["jpeg"]);
        Assert.Equal(2, table.Count); // ours vs jpeg, PSNR and MS-SSIM; jpeg is not compared with itself
        foreach (var e in table)
        {
            Assert.Equal(("ours", "jpeg"), (e.Test, e.Anchor));
            Assert.Equal(-50, e.MeanCurve, 6);
            Assert.Equal(-50, e.PerImageMedian, 6);
            Assert.Equal(2, e.Images);
        }
        var md = RdReport.BdRateMarkdown(table, BdRateEntry.Psnr, curves, ["jpeg"]);
        Assert.Contains("| Codec \\ anchor | JPEG |", md);
        Assert.Contains("| HiFiC ours | -50.0% (-50.0%) |", md);
    }

    [Fact]
    public void The_points_csv_has_one_row_per_point_in_invariant_number_format()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // InvariantGlobalization: the writer must not depend on it anyway
            var points = SyntheticPoints.Make();
            var lines = RdReport.PointsCsv(points).TrimEnd('\n').Split('\n');
            Assert.Equal("image,width,height,codec,kind,setting_name,setting,bytes,bpp,psnr,msssim,msssim_db,encode_s,decode_s,butteraugli_3norm,refined_tiles,tiles_kept_plain", lines[0]);
            Assert.Equal(points.Count + 1, lines.Length);
            var first = lines[1].Split(',');
            Assert.Equal(17, first.Length);
            Assert.Equal(("a", "jpeg", "classic", "quality", "10"), (first[0], first[3], first[4], first[5], first[6]));
            Assert.Equal(points[0].Bpp, double.Parse(first[8], CultureInfo.InvariantCulture), 6);
            Assert.Equal(points[0].MsSsimDb, double.Parse(first[11], CultureInfo.InvariantCulture), 3);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Writing_a_report_produces_the_csvs_the_markdown_and_both_plots()
    {
        var points = SyntheticPoints.Make();
        var curves = new[] { RdCurve.Mean("ours", "HiFiC ours", points), RdCurve.Mean("jpeg", "JPEG", points) };
        var bd = BdRateTable.Build(curves, points, ["jpeg"]);
        var codecs = new IRdCodec[] { new FakeCodec("ours", RdPoint.LearnedKind, [0, 0.5, 1, 1.5]), ClassicCodecs.Jpeg with { Settings = SyntheticPoints.JpegQualities } };
        var summary = new RdReportSummary(dir, 2, points, curves, bd, ["b jpeg quality 90: boom"], [], TimeSpan.FromSeconds(3));

        var files = RdReport.Write(summary, codecs, new Dictionary<string, string> { ["jpeg"] = "libjpeg-turbo 2.1.5" }, null, TimeSpan.FromSeconds(2), "/data/eval");
        var plots = RdPlots.Write(curves, dir);

        foreach (var f in files.Concat(plots)) Assert.True(new FileInfo(f).Length > 0, f);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plots[0]).Take(4).ToArray());
        var md = File.ReadAllText(Path.Combine(dir, RdReport.MarkdownFile));
        Assert.Contains("### PSNR", md);
        Assert.Contains("libjpeg-turbo 2.1.5", md);
        Assert.Contains("![PSNR vs bpp](rd-psnr.png)", md);
        Assert.Contains("boom", md);
        var bdCsv = File.ReadAllLines(Path.Combine(dir, RdReport.BdRateFile));
        Assert.Equal("metric,test,anchor,bd_rate_mean_curve_pct,bd_rate_per_image_median_pct,images,non_monotonic_images,note", bdCsv[0]);
        Assert.Contains("PSNR,ours,jpeg,-50,-50,2,0,", bdCsv);
        Assert.Equal(1 + 8, File.ReadAllLines(Path.Combine(dir, RdReport.CurvesFile)).Length);
    }
}
