using System.CommandLine;
using System.Runtime.InteropServices;
using HiFiC.Cli.Bench;
using HiFiC.Cli.Output;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.Networks;
using Spectre.Console;
using Spectre.Console.Rendering;
using TorchSharp;

namespace HiFiC.Cli.Bench;

/// <summary>`hific bench`: encode/decode speed per preset, the networks alone, and the entropy coder.</summary>
public sealed class BenchCommand : Command
{
    private const string Note = "Weights are random (seeded): speed does not depend on weight values, so these speeds hold for trained models; file sizes do not.";

    private readonly Option<string> presets = new("--presets")
    {
        Description = $"Comma-separated presets to time ({string.Join(", ", HificPreset.All.Select(p => p.Name))}).",
        DefaultValueFactory = _ => "lite,paper",
    };
    private readonly Option<int> size = new("--size") { Description = "Side of the square test image in pixels (multiple of 64).", DefaultValueFactory = _ => 512 };
    private readonly Option<int> repeat = new("--repeat") { Description = "Timed runs per measurement (the best is reported), after one warm-up run.", DefaultValueFactory = _ => 3 };
    private readonly Option<int> tile = CommonOptions.Tile();
    private readonly Option<string?> json = new("--json") { Description = "Also write the results as JSON to this file (replaced if it exists)." };

    public BenchCommand(CliContext cli) : base("bench", "Speed of the codec per preset (random weights), of the networks alone, and of the entropy coder.")
    {
        Add(presets); Add(size); Add(repeat); Add(tile); Add(json);
        Add(new BenchLargeCommand(cli));
        Add(new BenchTilingCommand(cli));
        Add(new BenchRdCommand(cli));
        Add(new BenchHyperCommand(cli));
        Add(new BenchContextCommand(cli));
        Add(new BenchScaleCommand(cli));
        CommonOptions.Positive(repeat);
        size.Validators.Add(r =>
        {
            int s = r.GetValueOrDefault<int>();
            if (s < 64 || s > 8192 || s % 64 != 0) r.AddError("--size must be a multiple of 64 between 64 and 8192.");
        });
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        List<HificPreset> chosen;
        try { chosen = r.GetValue(presets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(HificPreset.ByName).ToList(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (chosen.Count == 0) throw new UsageException("--presets names no preset.");
        int side = r.GetValue(size), runs = r.GetValue(repeat), tileSize = Math.Min(r.GetValue(tile), side);
        if (tileSize % 64 != 0 || tileSize < 64 || tileSize > 4096) throw new UsageException("--tile must be a multiple of 64 between 64 and 4096.");

        var bench = new PresetBenchmark(side, tileSize, runs);
        var results = new List<PresetBench>();
        foreach (var preset in chosen)
        {
            cli.Info($"Timing preset {preset.Name} on {side}x{side} ({runs} runs after a warm-up)...");
            results.Add(bench.Run(preset, ct));
        }
        cli.Info("Timing the entropy coder...");
        const int symbols = 4_000_000;
        var (encodeSymbols, decodeSymbols) = EntropyCoderBenchmark.Measure(symbols);
        var entropy = new EntropyBench(symbols, encodeSymbols, decodeSymbols);
        double peak = PresetBenchmark.PeakRssMegabytes();
        int threads = torch.get_num_threads();

        var table = new Table().Title($"bench: {side}x{side}, tile {tileSize}, {threads} threads, best of {runs}").Border(TableBorder.Rounded);
        table.AddColumn("Preset");
        foreach (var h in new[] { "Params", "Encode MP/s", "Decode MP/s", "Analyze MP/s", "Synthesize MP/s", "Encode s", "Decode s", "Peak RSS" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var p in results)
            table.AddRow(new[] { p.Preset, Units.Millions(p.Parameters), Units.F(p.EncodeMegapixelsPerSecond, 3), Units.F(p.DecodeMegapixelsPerSecond, 3),
                Units.F(p.AnalyzeMegapixelsPerSecond, 3), Units.F(p.SynthesizeMegapixelsPerSecond, 3), Units.F(p.EncodeSeconds, 3), Units.F(p.DecodeSeconds, 3),
                $"{p.PeakRssMegabytes:F0} MB" }.Select(s => (IRenderable)new Text(s)).ToArray());
        cli.Out.Write(table);
        cli.Out.WriteLine($"Entropy coder (rANS, {Units.Millions(symbols)}symbols, 1 thread): encode {Units.Millions(encodeSymbols)}symbols/s, decode {Units.Millions(decodeSymbols)}symbols/s");
        cli.Out.WriteLine($"Peak RSS: {peak:F0} MB (whole process; presets run in the order given).");
        cli.Out.WriteLine("Encode/Decode: HificEncoder/HificDecoder end to end (tiles, entropy coding, container). Analyze/Synthesize: the networks alone.");
        cli.Out.WriteLine(Note);

        if (r.GetValue(json) is { } path)
        {
            JsonReport.Write(path, new BenchReport(side, side, tileSize, runs, threads, results, entropy, peak,
                $"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}", Note, DateTime.UtcNow), CancellationToken.None);
            cli.Info($"Wrote {path}");
        }
        return ExitCodes.Ok;
    }
}
