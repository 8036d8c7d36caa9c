using System.CommandLine;
using Spectre.Console;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench tiling IMAGE...`: codes each image whole (one tile) and tiled, and reports the
/// quality of both against the original, their difference, and the seam ratio (pixel steps across
/// tile borders relative to elsewhere, tiled over whole: 1.0 means no visible seams).
/// </summary>
public sealed class BenchTilingCommand : Command
{
    private readonly Argument<string[]> inputs = new("images") { Description = "Images to test (each at most 4096 px a side, so it fits one tile)." };
    private readonly Option<string?> model = CommonOptions.Model();
    private readonly Option<string?> rate = CommonOptions.Rate();
    private readonly Option<int> tile = new("--tile") { Description = "Tile size for the tiled run.", DefaultValueFactory = _ => 256 };

    public BenchTilingCommand(CliContext cli) : base("tiling", "Tiled against whole-image coding: PSNR difference and a seam check along tile borders.")
    {
        Add(inputs); Add(model); Add(rate); Add(tile);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var codec = cli.Models.Load(r.GetValue(model));
        double t = new RateChoice(r.GetValue(rate), null).Resolve(codec);
        int tileSize = r.GetValue(tile);
        var encoder = new HificEncoder(codec);
        var decoder = new HificDecoder(codec);
        cli.Out.WriteLine($"model {codec.Id} ({codec.Digest[..12]}), rate t={t}, tiled run: {tileSize} px tiles");
        cli.Out.WriteLine("image,width,height,tiles,psnr_whole,psnr_tiled,psnr_whole_vs_tiled,bpp_whole,bpp_tiled,seam_ratio");
        foreach (var path in r.GetValue(inputs)!)
        {
            var image = ImageIO.Load(path);
            int whole = TileLayout.RoundUp(Math.Max(image.Rgb.Width, image.Rgb.Height));
            if (whole > 4096) { cli.Error($"{path}: larger than 4096 px, cannot be coded as one tile"); continue; }
            var (a, ra) = RoundTrip(encoder, decoder, image, new CompressOptions { Rate = t, TileSize = whole }, ct);
            var (b, rb) = RoundTrip(encoder, decoder, image, new CompressOptions { Rate = t, TileSize = tileSize }, ct);
            double seam = SeamMetric.BorderToInteriorRatio(b, tileSize) / SeamMetric.BorderToInteriorRatio(a, tileSize);
            cli.Out.WriteLine(string.Join(',', Path.GetFileName(path), image.Rgb.Width, image.Rgb.Height, rb.Tiles,
                F(Psnr.Compute(image.Rgb, a)), F(Psnr.Compute(image.Rgb, b)), F(Psnr.Compute(a, b)), F(ra.Bpp), F(rb.Bpp), F(seam)));
        }
        return ExitCodes.Ok;
    }

    private static (RgbImage, CompressResult) RoundTrip(HificEncoder e, HificDecoder d, LoadedImage image, CompressOptions o, CancellationToken ct)
    {
        var ms = new MemoryStream();
        var result = e.Compress(image, ms, o, ct);
        ms.Position = 0;
        return (d.Decompress(ms, null, ct).Image, result);
    }

    private static string F(double v) => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
}
