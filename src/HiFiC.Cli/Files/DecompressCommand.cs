using System.CommandLine;
using System.Diagnostics;
using HiFiC.Cli.Batch;
using HiFiC.Cli.Files;
using HiFiC.Cli.Output;
using HiFiC.Cli.Results;
using HiFiC.Cli.Settings;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Output;
using HiFiC.Codec.Models;
using Spectre.Console;

namespace HiFiC.Cli.Files;

/// <summary>
/// `hific decompress IN.hific [-o OUT.png|.jpg|.webp] [--format F --quality Q]`: .hific to PNG, JPEG or WebP, with the metadata the file carries. Without --model each file picks the
/// exact model that wrote it (by the weights digest in its header), so an archive mixing model
/// versions restores correctly.
/// </summary>
public sealed class DecompressCommand : Command, IForwardOnlyCommand
{
    public bool ForwardOnly(ParseResult parse) => true;

    private readonly Argument<string> input = new("input") { Description = ".hific file, or folder of .hific files searched recursively." };
    private readonly Option<string?> output = CommonOptions.Output("Output PNG, or folder for a folder input (mirrors its structure). Default: beside each input, extension .png.");
    private readonly Option<string?> model = new("--model", "-m")
    {
        Description = "Decode with this model (id, digest prefix or folder). Default: the model whose digest the file's header names, found in the model search path.",
    };
    private readonly Option<PixelRect?> region = CommonOptions.Region();
    private readonly Option<bool> overwrite = CommonOptions.Overwrite();
    private readonly OutputChoice formats;

    public DecompressCommand(CliContext cli) : base("decompress", "Restore .hific files to PNG, JPEG or WebP images (whole or a region).")
    {
        Add(input); Add(output); Add(model); Add(region); Add(overwrite);
        formats = new OutputChoice(this);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var written = formats.For(r, r.GetValue(output));
        var plan = FilePlanner.Plan(r.GetValue(input)!, r.GetValue(output), InputKinds.Hific, OutputFormats.Extension(written.Format));
        if (plan.Jobs.Count == 0)
        {
            cli.Warn($"no .hific files in {r.GetValue(input)}");
            return ExitCodes.Ok;
        }
        var forced = r.GetValue(model) is { } name ? cli.Models.Load(name) : null;
        var decoders = new Dictionary<string, HificDecoder>(StringComparer.OrdinalIgnoreCase);
        HificDecoder DecoderFor(CodecModel m) =>
            decoders.TryGetValue(m.Digest, out var d) ? d : decoders[m.Digest] = new HificDecoder(m);
        var area = r.GetValue(region);
        bool replace = r.GetValue(overwrite);

        var runner = new BatchRunner(cli);
        var report = runner.Run(plan, "Decompressing", (job, token) =>
        {
            if (!replace && File.Exists(job.Output)) throw new OutputExistsException(job.Output!);
            var clock = Stopwatch.StartNew();
            using var stream = new FileStream(job.Input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var header = HificDecoder.ReadHeader(stream);
            stream.Position = 0;
            var codec = forced ?? cli.Models.LoadByDigest(Convert.ToHexStringLower(header.WeightsDigest), header.ModelId);
            if (area is { } a) RegionParser.CheckInside(a, header.Width, header.Height);
            var decoded = DecoderFor(codec).Decompress(stream, area, token);
            AtomicFile.Write(job.Output!, replace, s => ImageWriter.Write(s, decoded.Image, decoded.Source, decoded.Alpha, decoded.Metadata, written), token);
            return new DecompressedFile(job.Name, job.Output!, stream.Length, new FileInfo(job.Output!).Length, decoded.Region,
                header.Width, header.Height, codec.Id, clock.Elapsed);
        }, Describe, ct);

        if (plan.IsBatch) WriteSummary(cli, report, OutputFormats.Name(written.Format).ToUpperInvariant());
        else if (report.Results.FirstOrDefault() is { } one) cli.Out.WriteLine($"{one.Name} -> {one.Output}: {Describe(one)}");
        runner.ReportFailures(report);
        return report.ExitCode;
    }

    private static string Describe(DecompressedFile f)
    {
        var what = f.Region.Width == f.ImageWidth && f.Region.Height == f.ImageHeight
            ? $"{f.ImageWidth}x{f.ImageHeight}"
            : $"region {f.Region.X},{f.Region.Y},{f.Region.Width},{f.Region.Height} of {f.ImageWidth}x{f.ImageHeight}";
        return $"{what}, model {f.ModelId}, {Units.Bytes(f.OutputBytes)} {Path.GetExtension(f.Output).TrimStart('.').ToUpperInvariant()}, {Units.Seconds(f.Elapsed)}";
    }

    private static void WriteSummary(CliContext cli, BatchReport<DecompressedFile> report, string format)
    {
        var done = report.Results.ToList();
        long pixels = done.Sum(f => f.Pixels);
        SummaryTable.Write(cli.Out, "decompress",
        [
            ("Files", Units.Count(report.Plan.Jobs.Count)),
            ("OK", Units.Count(report.OkCount)),
            ("Failed", Units.Count(report.FailedCount)),
            ("Bytes in", Units.Bytes(done.Sum(f => f.InputBytes))),
            ($"{format} bytes out", Units.Bytes(done.Sum(f => f.OutputBytes))),
            ("Megapixels", Units.F(pixels / 1e6, 2)),
            ("MP/s", Units.F(pixels / 1e6 / Math.Max(report.Elapsed.TotalSeconds, 1e-9), 3)),
            ("Time", Units.Seconds(report.Elapsed)),
        ]);
    }
}
