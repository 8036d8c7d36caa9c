using System.Globalization;
using System.Text;

namespace HiFiC.Evaluation;

/// <summary>
/// The benchmark's text outputs: rd-points.csv (every image × codec × setting), rd-curves.csv
/// (dataset means), rd-bd-rate.csv and rd-report.md (docs-ready tables linking the plots and the
/// crop sheet). Everything is written with the invariant culture.
/// </summary>
public static class RdReport
{
    public const string PointsFile = "rd-points.csv";
    public const string CurvesFile = "rd-curves.csv";
    public const string BdRateFile = "rd-bd-rate.csv";
    public const string MarkdownFile = "rd-report.md";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The files <see cref="Write"/> produces in a folder: markdown, points, curves, BD-rates.</summary>
    public static IReadOnlyList<string> FilesIn(string outDir) =>
        [.. new[] { MarkdownFile, PointsFile, CurvesFile, BdRateFile }.Select(f => Path.Combine(Path.GetFullPath(outDir), f))];

    public static IReadOnlyList<string> Write(RdReportSummary summary, IReadOnlyList<IRdCodec> codecs,
        IReadOnlyDictionary<string, string> versions, CropSheetResult? crops, TimeSpan measuring, string? imageDir = null)
    {
        Directory.CreateDirectory(summary.OutDir);
        var files = FilesIn(summary.OutDir);
        File.WriteAllText(files[1], PointsCsv(summary.Points));
        File.WriteAllText(files[2], CurvesCsv(summary.Curves));
        File.WriteAllText(files[3], BdRateCsv(summary.BdRates));
        File.WriteAllText(files[0], Markdown(summary, codecs, versions, crops, measuring, imageDir));
        return files;
    }

    public static string PointsCsv(IEnumerable<RdPoint> points)
    {
        var sb = new StringBuilder("image,width,height,codec,kind,setting_name,setting,bytes,bpp,psnr,msssim,msssim_db,encode_s,decode_s,butteraugli_3norm,refined_tiles,tiles_kept_plain\n");
        foreach (var p in points)
            sb.Append(Inv, $"{Csv(p.Image)},{p.Width},{p.Height},{Csv(p.Codec)},{p.Kind},{p.SettingName},{p.Setting:0.###},{p.Bytes},")
              .Append(Inv, $"{p.Bpp:0.######},{p.Psnr:0.####},{p.MsSsim:0.#######},{p.MsSsimDb:0.####},{p.EncodeSeconds:0.###},{p.DecodeSeconds:0.###},{Num(p.Butteraugli)},{p.RefinedTiles},{p.TilesKeptPlain}\n");
        return sb.ToString();
    }

    /// <summary>
    /// What refinement did, per refined curve and rate, against the same model's plain points on the
    /// same images: how often the guard kept step 0 (the plain latent), the mean change in bits and
    /// quality, and its cost in encode seconds per megapixel (in all, and per step beyond the plain encode).
    /// Then one row per step count: the MS-SSIM gain per extra second, to choose an effort level's steps.
    /// </summary>
    public static string RefinementMarkdown(IReadOnlyList<RdPoint> points, IReadOnlyList<IRdCodec> codecs)
    {
        var refined = codecs.OfType<LearnedCodec>().Where(c => c.RefineSteps > 0).ToList();
        if (refined.Count == 0) return "";
        var plainByKey = points.Where(p => codecs.OfType<LearnedCodec>().Any(c => c.RefineSteps == 0 && c.Name == p.Codec))
            .ToDictionary(p => (p.Image, p.Setting, Model: p.Codec));
        var sb = new StringBuilder("\n## Refinement: the guard, gains and cost\n\n")
            .Append("Per refined curve and rate, against the plain encoder's points on the same images. **Kept step 0**: tiles whose guard wrote ")
            .Append("the plain latent because no refined iterate was at once no bigger, no worse in MSE and MS-SSIM, and lower in real cost J. Δ are means over images (refined − plain). ")
            .Append("**s/MP** is the refined encode's wall time per megapixel; **s/MP/step** is (refined − plain encode time) / MP / steps. ")
            .Append("Times are as measured on this machine during the run (shared, loaded CPUs: compare rows of one run only).\n\n")
            .Append("| Curve | t | Images | Tiles | Kept step 0 | Δ bpp | Δ PSNR (dB) | Δ MS-SSIM | Δ Butteraugli | s/MP | s/MP/step |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        var perSteps = new List<(int Steps, double DMsSsimDb, double DBppPct, double ExtraSPerMp)>();
        foreach (var codec in refined)
        {
            string plainName = codec.Name[..codec.Name.LastIndexOf("+refine", StringComparison.Ordinal)];
            var mine = points.Where(p => p.Codec == codec.Name).ToList();
            foreach (var g in mine.GroupBy(p => p.Setting).OrderBy(g => g.Key))
            {
                var pairs = g.Where(p => plainByKey.ContainsKey((p.Image, p.Setting, plainName)))
                    .Select(p => (R: p, P: plainByKey[(p.Image, p.Setting, plainName)])).ToList();
                int tiles = g.Sum(p => p.RefinedTiles), kept = g.Sum(p => p.TilesKeptPlain);
                double Mean(Func<(RdPoint R, RdPoint P), double> f) => pairs.Count == 0 ? double.NaN : pairs.Average(f);
                static double Mp(RdPoint p) => (double)p.Width * p.Height / 1e6;
                double dBpp = Mean(x => (x.R.Bpp / x.P.Bpp - 1) * 100), dPsnr = Mean(x => x.R.Psnr - x.P.Psnr);
                double dMs = Mean(x => x.R.MsSsim - x.P.MsSsim), dMsDb = Mean(x => x.R.MsSsimDb - x.P.MsSsimDb);
                double dBa = Mean(x => x.R.Butteraugli - x.P.Butteraugli);
                double sPerMp = g.Average(p => p.EncodeSeconds / Mp(p));
                double extra = Mean(x => (x.R.EncodeSeconds - x.P.EncodeSeconds) / Mp(x.R));
                sb.Append(Inv, $"| {codec.Label} | {codec.FormatSetting(g.Key)} | {g.Count()} | {tiles} | {kept} ({(tiles == 0 ? double.NaN : 100.0 * kept / tiles):0}%) | ")
                  .Append(Inv, $"{Pct(dBpp)} | {Signed(dPsnr, "0.000")} | {Signed(dMs, "0.00000")} | {Signed(dBa, "0.000")} | {sPerMp:0.0} | {extra / codec.RefineSteps:0.00} |\n");
                perSteps.Add((codec.RefineSteps, dMsDb, dBpp, extra));
            }
        }
        sb.Append("\n### Gain per second, by steps\n\nMeans over the rates above. MS-SSIM gain in dB (−10·log10(1 − MS-SSIM)); ")
          .Append("**dB per s/MP**: that gain divided by the extra encode time per megapixel.\n\n")
          .Append("| Steps | Δ MS-SSIM (dB) | Δ bpp | extra s/MP | dB per s/MP |\n|---:|---:|---:|---:|---:|\n");
        foreach (var g in perSteps.GroupBy(x => x.Steps).OrderBy(g => g.Key))
        {
            double db = g.Average(x => x.DMsSsimDb), bpp = g.Average(x => x.DBppPct), extra = g.Average(x => x.ExtraSPerMp);
            sb.Append(Inv, $"| {g.Key} | {Signed(db, "0.0000")} | {Pct(bpp)} | {extra:0.0} | {Signed(db / extra, "0.00000")} |\n");
        }
        return sb.ToString();
    }

    private static string Signed(double v, string format) => double.IsFinite(v) ? v.ToString("+" + format + ";-" + format + ";" + format, Inv) : "n/a";

    public static string CurvesCsv(IEnumerable<RdCurve> curves)
    {
        var sb = new StringBuilder("codec,kind,setting_name,setting,images,bpp,psnr,msssim,msssim_db,butteraugli_3norm\n");
        foreach (var c in curves)
            foreach (var p in c.Points)
                sb.Append(Inv, $"{Csv(c.Codec)},{c.Kind},{c.SettingName},{p.Setting:0.###},{p.Images},{p.Bpp:0.######},{p.Psnr:0.####},{p.MsSsim:0.#######},{p.MsSsimDb:0.####},{Num(p.Butteraugli)}\n");
        return sb.ToString();
    }

    public static string BdRateCsv(IEnumerable<BdRateEntry> entries)
    {
        var sb = new StringBuilder("metric,test,anchor,bd_rate_mean_curve_pct,bd_rate_per_image_median_pct,images,non_monotonic_images,note\n");
        foreach (var e in entries)
            sb.Append(Inv, $"{e.Metric},{Csv(e.Test)},{Csv(e.Anchor)},{Num(e.MeanCurve)},{Num(e.PerImageMedian)},{e.Images},{e.NonMonotonicImages},{Csv(e.Note ?? "")}\n");
        return sb.ToString();
    }

    /// <summary>Rows: every codec; columns: the anchors. Cell: mean-curve BD-rate (median of per-image BD-rates).</summary>
    public static string BdRateMarkdown(IReadOnlyList<BdRateEntry> entries, string metric, IReadOnlyList<RdCurve> curves, IReadOnlyList<string> anchors)
    {
        var label = curves.ToDictionary(c => c.Codec, c => c.Label);
        var present = anchors.Where(label.ContainsKey).ToList();
        if (present.Count == 0) return "_No anchor curves._\n";
        var sb = new StringBuilder($"| Codec \\ anchor | {string.Join(" | ", present.Select(a => label[a]))} |\n");
        sb.Append("|---|").Append(string.Concat(present.Select(_ => "---:|"))).Append('\n');
        foreach (var c in curves)
        {
            sb.Append($"| {c.Label} |");
            foreach (var a in present)
            {
                var e = entries.FirstOrDefault(x => x.Metric == metric && x.Test == c.Codec && x.Anchor == a);
                sb.Append(e is null ? " — |" : e.Note is not null ? $" {e.Note} ({Pct(e.PerImageMedian)}) |" : $" {Pct(e.MeanCurve)} ({Pct(e.PerImageMedian)}) |");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Markdown(RdReportSummary s, IReadOnlyList<IRdCodec> codecs,
        IReadOnlyDictionary<string, string> versions, CropSheetResult? crops, TimeSpan measuring, string? imageDir)
    {
        var sb = new StringBuilder("# Rate–distortion benchmark\n\n");
        var imageNames = s.Points.Select(p => p.Image).Distinct().ToList();
        sb.Append(Inv, $"{s.Images} images{(imageDir is null ? "" : $" from `{imageDir}`")}, {s.Points.Count} coded points; ")
          .Append(Inv, $"generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; took {s.Elapsed:h\\:mm\\:ss} ({measuring:h\\:mm\\:ss} coding and measuring)")
          .Append(s.ReusedPoints > 0 ? string.Create(Inv, $"; {s.ReusedPoints} points were reused from earlier runs (same pixels, and the same command lines and tool versions, or the same weights, refinement, tiles and codec build)") : "")
          .Append(".\n\n");
        sb.Append("Every codec codes the same 8-bit RGB pixels (the source decoded once and rewritten as a plain PNG/PPM). ")
          .Append("**bpp** = compressed file bytes × 8 / pixels, counting the whole file as written (container and headers included). ")
          .Append("**PSNR** over all RGB samples (peak 255); **MS-SSIM** with 5 scales per RGB channel, averaged over channels ")
          .Append("(`HiFiC.Codec.Metrics`, the same code for every codec). Curves are means over images per setting.\n\n");

        sb.Append("## Codecs\n\n| Codec | Swept | Settings | Command | Version |\n|---|---|---|---|---|\n");
        foreach (var c in codecs)
        {
            var (command, version) = c switch
            {
                ClassicCodec cc => (cc.Notes, versions.GetValueOrDefault(cc.Name, "?")),
                LearnedCodec lc => (lc.Notes, "this build"),
                _ => (c.GetType().Name, ""),
            };
            sb.Append($"| {c.Label} | {c.SettingName} | {string.Join(", ", c.Settings.Select(c.FormatSetting))} | {command} | {version} |\n");
        }
        if (!codecs.Any(c => c.Kind == RdPoint.LearnedKind))
            sb.Append("\nNo HiFiC model in this run (classic codecs only).\n");

        sb.Append("\n## Summary (dataset means)\n\n| Codec | Settings | Images | bpp | PSNR (dB) | MS-SSIM |\n|---|---:|---:|---|---|---|\n");
        foreach (var c in s.Curves)
            sb.Append(Inv, $"| {c.Label} | {c.Points.Count} | {c.Images} | {c.Points.Min(p => p.Bpp):0.000}–{c.Points.Max(p => p.Bpp):0.000} | ")
              .Append(Inv, $"{c.Points.Min(p => p.Psnr):0.00}–{c.Points.Max(p => p.Psnr):0.00} | {c.Points.Min(p => p.MsSsim):0.0000}–{c.Points.Max(p => p.MsSsim):0.0000} |\n");

        var anchors = codecs.Where(c => c.Kind == RdPoint.ClassicKind || c is LearnedCodec { RefineSteps: 0 }).Select(c => c.Name).ToList();
        sb.Append("\n## BD-rate against each classic codec and the plain models\n\n")
          .Append("Bjøntegaard delta rate (VCEG-M33: cubic fit of log-rate against quality, averaged over only the quality range both curves cover; ")
          .Append("a curve whose quality does not rise with every added bit is reported as not monotonic instead of fitted, and such images are left out of the median). ")
          .Append("Negative = the row codec needs fewer bits than the column codec for the same quality. ")
          .Append("First number: on the dataset-mean curves; in brackets: median of the per-image BD-rates.\n\n");
        sb.Append("### PSNR\n\n").Append(BdRateMarkdown(s.BdRates, BdRateEntry.Psnr, s.Curves, anchors));
        sb.Append("\n### MS-SSIM (fitted in dB, −10·log10(1 − MS-SSIM))\n\n").Append(BdRateMarkdown(s.BdRates, BdRateEntry.MsSsim, s.Curves, anchors));

        sb.Append(RefinementMarkdown(s.Points, codecs));

        sb.Append("\n## Encode time per megapixel\n\n| Curve | Mean encode s/MP | Mean decode s/MP |\n|---|---:|---:|\n");
        foreach (var c in s.Curves)
        {
            var ps = s.Points.Where(p => p.Codec == c.Codec).ToList();
            sb.Append(Inv, $"| {c.Label} | {ps.Average(p => p.EncodeSeconds * 1e6 / ((double)p.Width * p.Height)):0.00} | {ps.Average(p => p.DecodeSeconds * 1e6 / ((double)p.Width * p.Height)):0.00} |\n");
        }

        sb.Append($"\n## RD curves\n\n![PSNR vs bpp]({RdPlots.PsnrFile})\n\n![MS-SSIM vs bpp]({RdPlots.MsSsimFile})\n");

        if (crops is not null)
        {
            sb.Append(Inv, $"\n## Crop sheet\n\n`{crops.Image}`, region {crops.Crop.Width}×{crops.Crop.Height} at ({crops.Crop.X}, {crops.Crop.Y}) (the most detailed window), ")
              .Append(Inv, $"each codec at the setting closest to {crops.TargetBpp:0.###} bpp on this image; 1:1 pixels. ")
              .Append("Metrics are for the whole image. Left to right, top to bottom:\n\n")
              .Append($"![crop sheet]({CropSheet.ImageFile})\n\n| # | Codec | Setting | bpp | PSNR (dB) | MS-SSIM |\n|---:|---|---|---:|---:|---:|\n");
            for (int i = 0; i < crops.Cells.Count; i++)
            {
                var c = crops.Cells[i];
                sb.Append(c.Setting is null
                    ? $"| {i + 1} | {c.Label} | reference | | | |\n"
                    : string.Create(Inv, $"| {i + 1} | {c.Label} | {c.Setting} | {c.Bpp:0.000} | {c.Psnr:0.00} | {c.MsSsim:0.0000} |\n"));
            }
        }

        sb.Append("\n## Mean RD points\n");
        foreach (var c in s.Curves)
        {
            sb.Append($"\n### {c.Label}\n\n| {c.SettingName} | bpp | PSNR (dB) | MS-SSIM | MS-SSIM (dB) | Butteraugli (3-norm) |\n|---:|---:|---:|---:|---:|---:|\n");
            var codec = codecs.First(x => x.Name == c.Codec);
            foreach (var p in c.Points)
                sb.Append(Inv, $"| {codec.FormatSetting(p.Setting)} | {p.Bpp:0.0000} | {p.Psnr:0.00} | {p.MsSsim:0.00000} | {p.MsSsimDb:0.00} | {Num(p.Butteraugli)} |\n");
        }

        if (s.Failures.Count > 0)
        {
            sb.Append($"\n## Failures ({s.Failures.Count})\n\n");
            foreach (var f in s.Failures) sb.Append("- ").Append(f.ReplaceLineEndings(" ")).Append('\n');
        }
        sb.Append($"\n## Files\n\n- `{PointsFile}`: every image × codec × setting\n- `{CurvesFile}`: dataset means per setting\n- `{BdRateFile}`: all BD-rates\n")
          .Append($"- `{RdPlots.PsnrFile}`, `{RdPlots.MsSsimFile}`: RD curves\n- `{CropSheet.ImageFile}`, `{CropSheet.LegendFile}`: crop sheet and its legend\n")
          .Append($"\nImages: {string.Join(", ", imageNames)}.\n");
        return sb.ToString();
    }

    private static string Num(double v) => double.IsFinite(v) ? v.ToString("0.###", Inv) : "";
    private static string Pct(double v) => double.IsFinite(v) ? v.ToString("+0.0;-0.0;0.0", Inv) + "%" : "n/a";

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
