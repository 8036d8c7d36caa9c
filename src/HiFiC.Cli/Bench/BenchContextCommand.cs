using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Metrics;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench context DIR`: a context model against the model whose transforms it shares. Each
/// image is analysed once per rate (the two models have the same encoder, so y is the same) and
/// coded by both latent codecs: real stream bytes (z + y), the estimate, and for the first
/// --quality images the reconstruction from each model's decoded y-hat (PSNR, MS-SSIM). Then
/// encode and decode speed of both on a 512 px crop, alternating, best of --repeat.
/// </summary>
public sealed class BenchContextCommand : Command, IForwardOnlyCommand
{
    public bool ForwardOnly(ParseResult parse) => true;

    private readonly Argument<string> input = new("dir") { Description = "Folder of images (e.g. ../shared/datasets/eval)." };
    private readonly Option<string> baseModel = new("--base") { Description = "The model without context.", DefaultValueFactory = _ => "hific-lite" };
    private readonly Option<string> contextModel = new("--context") { Description = "The context model.", DefaultValueFactory = _ => "hific-lite-ctx" };
    private readonly Option<string> rates = new("--rates") { DefaultValueFactory = _ => "-0.5,-0.23,0.5,0.86,1.5,2.04,2.5" };
    private readonly Option<int> quality = new("--quality") { Description = "Images (the first ones) whose reconstructions are measured.", DefaultValueFactory = _ => 30 };
    private readonly Option<int> repeat = new("--repeat") { DefaultValueFactory = _ => 3 };
    private readonly Option<string> csv = new("--csv") { Description = "Per image and rate rows.", Required = true };
    private readonly Option<string?> cache = new("--cache") { Description = "Instead of images: real bytes of both models on the held-out records of a latent cache (`hific train context`), per rate, to set against the trainer's float estimate." };

    public BenchContextCommand(CliContext cli) : base("context", "Bits, quality and speed of a context model against its base model on the same latents.")
    {
        Add(input); Add(baseModel); Add(contextModel); Add(rates); Add(quality); Add(repeat); Add(csv); Add(cache);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var a = cli.Models.Load(r.GetValue(baseModel));
        var b = cli.Models.Load(r.GetValue(contextModel));
        var codecA = new LatentCodec(a);
        var codecB = new LatentCodec(b);
        if (r.GetValue(cache) is { } cachePath) return CachedLatents(cli, codecA, codecB, cachePath, r.GetValue(csv)!);
        var ts = r.GetValue(rates)!.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var files = Directory.EnumerateFiles(r.GetValue(input)!).Where(ImageIO.HasImageExtension).Order(StringComparer.Ordinal).ToList();
        var rows = new StringBuilder("image,pixels,t,bytes_base,bytes_ctx,est_bits_base,est_bits_ctx,psnr_base,psnr_ctx,msssim_base,msssim_ctx\n");
        int qualityImages = r.GetValue(quality);
        using var noGrad = no_grad();
        for (int i = 0; i < files.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var image = ImageIO.Load(files[i]).Rgb;
            int w = (image.Width + 63) / 64 * 64, h = (image.Height + 63) / 64 * 64;
            using var scope = NewDisposeScope();
            var x = TensorImage.ToTensor(image, new PixelRect(0, 0, w, h));
            var yRaw = a.Network.Analyze(x);
            foreach (var t in ts)
            {
                using var inner = NewDisposeScope();
                double rate = (float)t;
                var y = (yRaw * a.Network.Gains.Gain(rate)).contiguous();
                var ea = codecA.Encode(y);
                var eb = codecB.Encode(y);
                string qa = ",", qb = ",";
                if (i < qualityImages)
                {
                    (qa, qb) = (Quality(a, codecA, ea, rate, image, w, h), Quality(b, codecB, eb, rate, image, w, h));
                }
                var pa = qa.Split(','); var pb = qb.Split(',');
                rows.Append(FormattableString.Invariant(
                    $"{Path.GetFileName(files[i])},{(long)image.Width * image.Height},{t},{ea.ZStream.Length + ea.YStream.Length},{eb.ZStream.Length + eb.YStream.Length},{ea.EstimatedBits:0},{eb.EstimatedBits:0},{pa[0]},{pb[0]},{pa[1]},{pb[1]}\n"));
            }
            cli.Out.MarkupLine($"[grey]{i + 1}/{files.Count} {Markup.Escape(Path.GetFileName(files[i]))}[/]");
            File.WriteAllText(r.GetValue(csv)!, rows.ToString());
        }
        Speed(cli, a, b, codecA, codecB, files[0], r.GetValue(repeat));
        return ExitCodes.Ok;
    }

    /// <summary>Held-out records (the trainer's last tenth of crops): real z + y bytes of both codecs per cached rate index, and z's share
    /// (a retrained hyperprior moves bits between z and y).</summary>
    private static int CachedLatents(CliContext cli, LatentCodec codecA, LatentCodec codecB, string path, string csvPath)
    {
        var latents = HiFiC.Training.Context.LatentCache.Load(path);
        int crops = latents.Count / latents.RatesPerCrop;
        int from = (crops - Math.Max(1, crops / 10)) * latents.RatesPerCrop;
        var sums = new long[latents.RatesPerCrop, 4];
        var rows = new StringBuilder("record,rate_index,bytes_base,bytes_ctx,z_bytes_base,z_bytes_ctx\n");
        using var noGrad = no_grad();
        for (int i = from; i < latents.Count; i++)
        {
            using var scope = NewDisposeScope();
            var y = latents.Records.narrow(0, i, 1).select(1, 0).contiguous();
            var (ea, eb) = (codecA.Encode(y), codecB.Encode(y));
            long a = ea.ZStream.Length + ea.YStream.Length, b = eb.ZStream.Length + eb.YStream.Length;
            int k = i % latents.RatesPerCrop;
            sums[k, 0] += a; sums[k, 1] += b; sums[k, 2] += ea.ZStream.Length; sums[k, 3] += eb.ZStream.Length;
            rows.Append(FormattableString.Invariant($"{i},{k},{a},{b},{ea.ZStream.Length},{eb.ZStream.Length}\n"));
        }
        File.WriteAllText(csvPath, rows.ToString());
        long ta = 0, tb = 0;
        for (int k = 0; k < latents.RatesPerCrop; k++)
        {
            ta += sums[k, 0]; tb += sums[k, 1];
            cli.Out.WriteLine(FormattableString.Invariant($"rate index {k}: base {sums[k, 0]} bytes, ctx {sums[k, 1]} bytes, saving {100.0 * (1 - (double)sums[k, 1] / sums[k, 0]):0.00}%; z {sums[k, 2]} / {sums[k, 3]} bytes, y {sums[k, 0] - sums[k, 2]} / {sums[k, 1] - sums[k, 3]} bytes"));
        }
        cli.Out.WriteLine(FormattableString.Invariant($"all held-out records: base {ta} bytes, ctx {tb} bytes, saving {100.0 * (1 - (double)tb / ta):0.00}%"));
        return ExitCodes.Ok;
    }

    private static string Quality(CodecModel model, LatentCodec codec, EncodedLatent encoded, double rate, RgbImage image, int w, int h)
    {
        using var scope = NewDisposeScope();
        var (yHat, _, _) = codec.Decode(encoded.ZStream, encoded.YStream, h / 16, w / 16);
        var x = model.Network.Synthesize(yHat, rate).clamp(0, 1);
        var crop = new RgbImage(image.Width, image.Height);
        TensorImage.CopyToImage(x, new PixelRect(0, 0, image.Width, image.Height), crop, 0, 0);
        return FormattableString.Invariant($"{Psnr.Compute(image, crop):0.####},{MsSsim.Compute(image, crop):0.######}");
    }

    private static void Speed(CliContext cli, CodecModel a, CodecModel b, LatentCodec codecA, LatentCodec codecB, string file, int repeat)
    {
        var image = ImageIO.Load(file).Rgb;
        var rect = new PixelRect(0, 0, 512, 512);
        var best = new double[4];
        Array.Fill(best, double.MaxValue);
        for (int k = 0; k <= repeat; k++)
            foreach (var (model, codec, slot) in new[] { (a, codecA, 0), (b, codecB, 2) })
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                var y = (model.Network.Analyze(TensorImage.ToTensor(image, rect)) * model.Network.Gains.Gain(1.0)).contiguous();
                var encoded = codec.Encode(y);
                double encode = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var (yHat, _, _) = codec.Decode(encoded.ZStream, encoded.YStream, 32, 32);
                var x = model.Network.Synthesize(yHat, 1.0);
                TensorImage.ToImage(x);
                double decode = clock.Elapsed.TotalSeconds;
                if (k == 0) continue; // warm-up
                best[slot] = Math.Min(best[slot], encode); best[slot + 1] = Math.Min(best[slot + 1], decode);
            }
        double mp = 512 * 512 / 1e6;
        cli.Out.WriteLine(FormattableString.Invariant($"speed 512x512, t=1, best of {repeat}: {a.Id} encode {mp / best[0]:0.000} MP/s decode {mp / best[1]:0.000} MP/s; ") + FormattableString.Invariant(
            $"{b.Id} encode {mp / best[2]:0.000} MP/s decode {mp / best[3]:0.000} MP/s; decode time ratio {best[3] / best[1]:0.000}"));
    }
}
