using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;
using TorchSharp;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench hyper DIR`: what the machine-independent integer hyper-synthesis costs. Codes
/// every image at every rate level twice with the same weights, once through the model's
/// integer hyper-synthesis and once through the float64 one (as models before it did), and
/// reports the file sizes and the time of each.
/// </summary>
public sealed class BenchHyperCommand : Command
{
    private readonly Argument<string> input = new("dir") { Description = "Folder of images (e.g. ../shared/datasets/eval)." };
    private readonly Option<string?> model = CommonOptions.Model();
    private readonly Option<string?> csv = new("--csv") { Description = "Also write every (image, rate, bytes) row to this CSV file." };

    public BenchHyperCommand(CliContext cli) : base("hyper", "Rate cost and speed of the integer hyper-synthesis against the float one.")
    {
        Add(input); Add(model); Add(csv);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var codec = cli.Models.Load(r.GetValue(model));
        if (codec.Tables.Hyper is null) throw new CliException(ExitCodes.Usage, $"Model {codec.Id} has no integer hyper-synthesis (legacy tables).");
        // Shares the loaded network (not disposed here: the registry owns it).
        var floatPath = CodecModel.FromNetwork(codec.Network, codec.Id + "-float", codec.Card.Rates, legacyTables: true);
        var files = Directory.EnumerateFiles(r.GetValue(input)!).Where(ImageIO.HasImageExtension).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new CliException(ExitCodes.Usage, $"No images in {r.GetValue(input)}.");
        var encoders = new[] { new HificEncoder(codec), new HificEncoder(floatPath) };
        var rows = new List<string> { "image,rate,bytes_integer,bytes_float" };
        var totals = new double[codec.Card.Rates.Count, 2];
        var seconds = new double[2];
        var hyperSeconds = new double[2];
        double pixels = 0;
        foreach (var file in files)
        {
            var image = ImageIO.Load(file);
            pixels += (double)image.Rgb.Width * image.Rgb.Height;
            TimeHyperSynthesis(codec, image.Rgb, hyperSeconds);
            for (int k = 0; k < codec.Card.Rates.Count; k++)
            {
                var rate = codec.Card.Rates[k];
                var bytes = new long[2];
                for (int p = 0; p < 2; p++)
                {
                    ct.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    bytes[p] = encoders[p].Compress(image, Stream.Null, new CompressOptions { Rate = rate.Rate }, ct).Bytes;
                    seconds[p] += clock.Elapsed.TotalSeconds;
                    totals[k, p] += bytes[p];
                }
                rows.Add(string.Join(',', Path.GetFileName(file), rate.Name, bytes[0], bytes[1]));
            }
        }
        cli.Out.WriteLine($"model {codec.Id} ({codec.Digest[..12]}), {files.Count} images");
        cli.Out.WriteLine("rate   bpp integer   bpp float   integer vs float");
        for (int k = 0; k < codec.Card.Rates.Count; k++)
        {
            double a = totals[k, 0] * 8 / pixels, b = totals[k, 1] * 8 / pixels;
            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{codec.Card.Rates[k].Name,-6} {a,11:F4} {b,11:F4} {100 * (a / b - 1),+17:+0.000;-0.000}%"));
        }
        cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"encode time, all images and rates: integer {seconds[0]:F1} s, float {seconds[1]:F1} s"));
        cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hyper-synthesis alone (means + scales), per megapixel: integer {1000 * hyperSeconds[0] / (pixels / 1e6):F1} ms, float {1000 * hyperSeconds[1] / (pixels / 1e6):F1} ms ({torch.get_num_threads()} threads)"));
        if (r.GetValue(csv) is { } path) File.WriteAllLines(path, rows);
        return ExitCodes.Ok;
    }

    /// <summary>Adds the time of one mid-rate hyper-synthesis of the image's z: integer, and float (float32 means, float64 scales, as legacy models).</summary>
    private static void TimeHyperSynthesis(CodecModel codec, RgbImage image, double[] seconds)
    {
        var z = IntegerHyperpriorBuilder.CalibrationLatents(codec.Network, [image])[codec.Card.Rates.Count / 2];
        var clock = Stopwatch.StartNew();
        codec.Tables.Hyper!.Decode(z.Symbols, z.Channels, z.Height, z.Width, torch.get_num_threads());
        seconds[0] += clock.Elapsed.TotalSeconds;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var scale64 = new HyperSynthesis(codec.Preset);
        scale64.load_state_dict(codec.Network.Hyperprior.ScaleSynthesis.state_dict());
        scale64.to(torch.ScalarType.Float64);
        var zt = torch.tensor(z.Symbols, [1, z.Channels, z.Height, z.Width]);
        clock.Restart();
        codec.Network.Hyperprior.MeanSynthesis.forward(zt.to(torch.ScalarType.Float32));
        scale64.forward(zt.to(torch.ScalarType.Float64));
        seconds[1] += clock.Elapsed.TotalSeconds;
    }
}
