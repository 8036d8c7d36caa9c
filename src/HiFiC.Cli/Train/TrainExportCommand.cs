using System.CommandLine;
using HiFiC.Cli.Output;
using HiFiC.Codec.Models;
using HiFiC.Training;
using Spectre.Console;

namespace HiFiC.Cli.Train;

/// <summary>
/// `hific train export`: the run's latest checkpoint becomes a model folder (float16 weights,
/// entropy tables, card). With --eval the card's rate points are measured on real files, so
/// --bpp maps to real sizes.
/// </summary>
public sealed class TrainExportCommand : Command
{
    private readonly Option<string> run = new("--run") { Description = "Run folder written by 'hific train' (--out there).", Required = true };
    private readonly Option<string> id = new("--id") { Description = "Model id written in the card and in every .hific file (e.g. hific-lite).", Required = true };
    private readonly Option<string?> output = new("--out") { Description = "Model folder to create. Default: models/<id>." };
    private readonly Option<string?> eval = new("--eval") { Description = "Folder of images to measure each rate level on (bpp, PSNR, MS-SSIM in the card)." };
    private readonly Option<int?> limit = CommonOptions.Limit("eval images");
    private readonly Option<string?> description = new("--description") { Description = "One line for the card." };
    private readonly Option<bool> overwrite = CommonOptions.Overwrite();

    public TrainExportCommand(CliContext cli) : base("export", "Export a training run's latest checkpoint as a model folder.")
    {
        Add(run); Add(id); Add(output); Add(eval); Add(limit); Add(description); Add(overwrite);
        CommonOptions.Positive(limit);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r, ct)));
    }

    private int Execute(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var runDir = r.GetValue(run)!;
        var modelId = r.GetValue(id)!;
        var outDir = r.GetValue(output) ?? Path.Combine("models", modelId);
        if (!Directory.Exists(runDir)) throw new UsageException($"Run folder not found: {runDir}");
        if (r.GetValue(eval) is { } e && !Directory.Exists(e)) throw new UsageException($"Eval folder not found: {e}");
        if (File.Exists(Path.Combine(outDir, CodecModel.CardFile)) && !r.GetValue(overwrite))
            throw new CliException(ExitCodes.InputsFailed, $"{outDir} already holds a model (use --overwrite to replace it).");

        var options = new ExportOptions(runDir, outDir, modelId, r.GetValue(eval), r.GetValue(limit),
            r.GetValue(description) ?? $"HiFiC {modelId}, exported from {Path.GetFileName(Path.GetFullPath(runDir))}");
        CodecModel model;
        try
        {
            model = ModelExporter.Export(options, cli.Logger("HiFiC.Training.ModelExporter"), ct);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ExitCodes.InputsFailed, ex.Message);
        }
        cli.Out.WriteLine($"Exported {model.Id} ({model.Preset.Name}, digest {model.Digest[..16]}) to {outDir}");
        foreach (var p in model.Card.Rates)
            cli.Out.WriteLine($"  {p.Name} (t={Units.F(p.Rate, 2)}): target {Units.F(p.TargetBpp, 3)} bpp" +
                (p.EvalBpp is { } b ? $", measured {Units.F(b, 4)} bpp, {Units.F(p.EvalPsnr ?? double.NaN, 2)} dB, MS-SSIM {Units.F(p.EvalMsSsim ?? double.NaN, 4)}" : ""));
        return ExitCodes.Ok;
    }
}
