using System.Globalization;
using System.Text;
using HiFiC.Codec.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HiFiC.Evaluation;

/// <summary>
/// A side-by-side sheet of one image region as every codec gives it at about the same bpp: per
/// codec, the setting whose bpp on this image is closest (in log) to the target is coded again
/// and the same crop is cut out, shown 1:1 under a label (codec, setting, bpp, PSNR, MS-SSIM of
/// the whole image). The labels are also written to rd-crops.csv.
/// </summary>
public static class CropSheet
{
    public const string ImageFile = "rd-crops.png";
    public const string LegendFile = "rd-crops.csv";
    public const double DefaultTargetBpp = 0.25;
    private const int LabelHeight = 54, Gap = 6, MaxColumns = 3;

    /// <summary>The crop image among the benchmark's images (by file name, with or without extension); default the first.</summary>
    public static string ResolveImage(IReadOnlyList<string> images, string? name)
    {
        if (string.IsNullOrEmpty(name)) return images[0];
        return images.FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase)
                                          || string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Crop-sheet image '{name}' is not among the benchmarked images ({images.Count} images; e.g. {Path.GetFileName(images[0])}).");
    }

    public static async Task<CropSheetResult> CreateAsync(IReadOnlyList<string> images, IReadOnlyList<IRdCodec> codecs,
        IReadOnlyList<RdPoint> points, RdBenchmarkOptions options, string workDir, CancellationToken ct)
    {
        var reference = ReferenceImage.Create(ResolveImage(images, options.CropSheetImage), workDir);
        var mine = points.Where(p => p.Image == reference.Name).ToList();
        double target = options.CropTargetBpp ?? DefaultTarget(codecs, mine);
        var crop = DetailWindow(reference.Rgb, options.CropSize);

        var cells = new List<(CropCell Cell, RgbImage Pixels)>
        {
            (new CropCell("original", "Original", null, 24, double.PositiveInfinity, 1), reference.Rgb.Crop(crop)),
        };
        foreach (var codec in codecs)
        {
            var candidates = mine.Where(p => p.Codec == codec.Name).ToList();
            if (candidates.Count == 0) continue;
            var best = candidates.MinBy(p => Math.Abs(Math.Log(p.Bpp / target)))!;
            // Coded again rather than kept from the sweep: holding every decoded image of the run would cost GBs.
            var (measured, decoded) = await RdBenchmark.MeasureOneAsync(reference, codec, best.Setting, workDir, ct).ConfigureAwait(false);
            cells.Add((new CropCell(codec.Name, codec.Label, $"{codec.SettingName} {codec.FormatSetting(best.Setting)}",
                measured.Bpp, measured.Psnr, measured.MsSsim), decoded.Crop(crop)));
        }

        int columns = Math.Min(MaxColumns, cells.Count);
        var png = Path.Combine(options.OutDir, ImageFile);
        Compose(cells, columns, crop.Width, crop.Height, png);
        var csv = Path.Combine(options.OutDir, LegendFile);
        WriteLegend(csv, cells.Select(c => c.Cell).ToList(), columns, reference.Name, crop);
        return new CropSheetResult(reference.Name, crop, target, columns, cells.Select(c => c.Cell).ToList(), [png, csv]);
    }

    // The middle rate of our first model, so the classic codecs are shown where ours operates.
    private static double DefaultTarget(IReadOnlyList<IRdCodec> codecs, IReadOnlyList<RdPoint> points)
    {
        var model = codecs.FirstOrDefault(c => c.Kind == RdPoint.LearnedKind);
        var ours = model is null ? [] : points.Where(p => p.Codec == model.Name).ToList();
        return ours.Count == 0 ? DefaultTargetBpp : ours.MinBy(p => Math.Abs(p.Setting - 1))!.Bpp;
    }

    /// <summary>
    /// The size x size window with the most edge energy (sum of |dx| + |dy| of the green channel),
    /// searched on a grid of size/8: codec differences show in texture and edges, not in sky.
    /// </summary>
    public static PixelRect DetailWindow(RgbImage image, int size)
    {
        int w = Math.Min(size, image.Width), h = Math.Min(size, image.Height);
        // Integral image of the per-pixel gradient magnitude.
        var sum = new long[image.Height + 1, image.Width + 1];
        var px = image.Pixels;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int g = px[(y * image.Width + x) * 3 + 1];
                int gx = x + 1 < image.Width ? Math.Abs(px[(y * image.Width + x + 1) * 3 + 1] - g) : 0;
                int gy = y + 1 < image.Height ? Math.Abs(px[((y + 1) * image.Width + x) * 3 + 1] - g) : 0;
                sum[y + 1, x + 1] = gx + gy + sum[y, x + 1] + sum[y + 1, x] - sum[y, x];
            }
        int step = Math.Max(1, size / 8);
        var best = new PixelRect(0, 0, w, h);
        long bestEnergy = -1;
        for (int y = 0; y + h <= image.Height; y += step)
            for (int x = 0; x + w <= image.Width; x += step)
            {
                long e = sum[y + h, x + w] - sum[y, x + w] - sum[y + h, x] + sum[y, x];
                if (e > bestEnergy) (bestEnergy, best) = (e, new PixelRect(x, y, w, h));
            }
        return best;
    }

    private static void Compose(List<(CropCell Cell, RgbImage Pixels)> cells, int columns, int cw, int ch, string path)
    {
        int rows = (cells.Count + columns - 1) / columns;
        int cellH = LabelHeight + ch;
        using var sheet = new Image<Rgb24>(columns * cw + (columns + 1) * Gap, rows * cellH + (rows + 1) * Gap, Color.White);
        for (int i = 0; i < cells.Count; i++)
        {
            int x = Gap + (i % columns) * (cw + Gap), y = Gap + (i / columns) * (cellH + Gap);
            using var label = Image.Load<Rgb24>(LabelStrip.Render(Caption(cells[i].Cell), cw, LabelHeight));
            using var tile = Image.LoadPixelData<Rgb24>(cells[i].Pixels.Pixels, cw, ch);
            sheet.Mutate(c => c.DrawImage(label, new Point(x, y), 1f).DrawImage(tile, new Point(x, y + LabelHeight), 1f));
        }
        sheet.SaveAsPng(path);
    }

    private static string[] Caption(CropCell c) => c.Setting is null
        ? [c.Label, "reference", ""]
        : [$"{c.Label}  {c.Setting}", string.Create(CultureInfo.InvariantCulture, $"{c.Bpp:0.000} bpp"),
           string.Create(CultureInfo.InvariantCulture, $"{c.Psnr:0.00} dB   MS-SSIM {c.MsSsim:0.0000}")];

    private static void WriteLegend(string path, IReadOnlyList<CropCell> cells, int columns, string image, PixelRect crop)
    {
        var sb = new StringBuilder("cell,row,column,image,crop_x,crop_y,crop_w,crop_h,codec,setting,bpp,psnr,msssim\n");
        for (int i = 0; i < cells.Count; i++)
        {
            var c = cells[i];
            sb.Append(CultureInfo.InvariantCulture,
                $"{i},{i / columns},{i % columns},{image},{crop.X},{crop.Y},{crop.Width},{crop.Height},{c.Codec},{c.Setting ?? ""},");
            sb.Append(c.Setting is null ? ",," : string.Create(CultureInfo.InvariantCulture, $"{c.Bpp:0.####},{c.Psnr:0.###},{c.MsSsim:0.#####}"));
            sb.Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }
}
