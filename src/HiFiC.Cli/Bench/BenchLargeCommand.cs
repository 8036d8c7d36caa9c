using System.CommandLine;
using Spectre.Console;
using System.Diagnostics;
using HiFiC.Cli.Bench;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Bench;

/// <summary>
/// `hific bench large`: compresses and restores one synthetic image of N megapixels through real
/// files and reports time and peak RSS per phase. Tiles bound the model's memory; what remains
/// proportional to the image is its 3 bytes per pixel in and out.
/// </summary>
public sealed class BenchLargeCommand : Command
{
    private readonly Option<double> megapixels = new("--megapixels") { Description = "Image size in megapixels (3:2 aspect).", DefaultValueFactory = _ => 50 };
    private readonly Option<string> preset = new("--preset") { Description = "Preset timed with seeded random weights.", DefaultValueFactory = _ => "lite" };
    private readonly Option<int> tile = CommonOptions.Tile();

    public BenchLargeCommand(CliContext cli) : base("large", "Compress and restore one huge synthetic image; report time and peak memory (RSS) per phase.")
    {
        Add(megapixels); Add(preset); Add(tile);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        double mp = r.GetValue(megapixels);
        if (mp <= 0 || mp > 500) throw new UsageException("--megapixels must be between 0 and 500.");
        HificPreset p;
        try { p = HificPreset.ByName(r.GetValue(preset)!); } catch (ArgumentException e) { throw new UsageException(e.Message); }
        int height = (int)Math.Round(Math.Sqrt(mp * 1e6 / 1.5)), width = (int)Math.Round(height * 1.5);
        var file = Path.Combine(Path.GetTempPath(), $"hific-bench-large-{Environment.ProcessId}.hific");
        try
        {
            using var model = CodecModel.FromNetwork(HificModel.CreateSeeded(p, 1), "bench-" + p.Name);
            var latent = new LatentCodec(model);
            cli.Info($"Creating a {width}x{height} image ({width * (double)height / 1e6:F1} MP)...");
            var image = BenchImage.Create(width, height);
            double baseline = PeakMemory.CurrentMegabytes();

            PeakMemory.Reset();
            var clock = Stopwatch.StartNew();
            CompressResult result;
            using (var output = File.Create(file))
                result = new HificEncoder(model, latent).Compress(image, output, new CompressOptions { TileSize = r.GetValue(tile), Rate = (p.RateLevels - 1) / 2.0 }, ct);
            double encodeSeconds = clock.Elapsed.TotalSeconds, encodePeak = PeakMemory.PeakMegabytes();

            image = null; // the source pixels are not needed for decoding
            GC.Collect();
            PeakMemory.Reset();
            clock.Restart();
            DecodedImage decoded;
            using (var input = File.OpenRead(file))
                decoded = new HificDecoder(model, latent).Decompress(input, null, ct);
            double decodeSeconds = clock.Elapsed.TotalSeconds, decodePeak = PeakMemory.PeakMegabytes();
            double pixels = width * (double)height;
            cli.Out.WriteLine($"bench large: preset {p.Name} (random weights), {width}x{height} = {pixels / 1e6:F1} MP, tile {r.GetValue(tile)}, {result.Tiles} tiles, {TorchSharp.torch.get_num_threads()} threads");
            cli.Out.WriteLine($"  process RSS before coding (model + source image): {baseline:F0} MB");
            cli.Out.WriteLine($"  encode: {encodeSeconds:F1} s ({pixels / 1e6 / encodeSeconds:F3} MP/s), peak RSS {encodePeak:F0} MB");
            cli.Out.WriteLine($"  decode: {decodeSeconds:F1} s ({pixels / 1e6 / decodeSeconds:F3} MP/s), peak RSS {decodePeak:F0} MB (output image alone: {pixels * 3 / 1048576:F0} MB)");
            cli.Out.WriteLine($"  file: {result.Bytes:N0} bytes, latents {(decoded.LatentHash == result.LatentHash ? "bit-exact" : "MISMATCH")}");
            return decoded.LatentHash == result.LatentHash ? ExitCodes.Ok : ExitCodes.Internal;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
