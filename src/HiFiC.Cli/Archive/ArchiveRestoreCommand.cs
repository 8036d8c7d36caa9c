using System.CommandLine;
using HiFiC.Cli.Output;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Silo.Embedded;
using HiFiC.Codec.Imaging.Output;
using Spectre.Console;

namespace HiFiC.Cli.Archive;

/// <summary>
/// `hific archive restore DST_DIR --out DIR`: every image of an archive (one per .hific.json
/// manifest) back to PNG under DIR, same relative paths ("a.jpg" comes back as "a.jpg.png").
/// Each file is decoded with the exact model its header names (by digest).
/// </summary>
public sealed class ArchiveRestoreCommand : Command, IForwardOnlyCommand
{
    public bool ForwardOnly(ParseResult parse) => true;

    private readonly Argument<string> archive = new("archive") { Description = "Archive folder written by `hific archive compress`." };
    private readonly Option<string> output = ArchiveCommand.Out("Folder for the restored PNGs (created).");
    private readonly Option<int> instances = new("--instances") { Description = "Model instances in the silo (default: cores / --threads)." };

    private readonly Option<string?> format = new("--format", "-f") { Description = "png (default), jpeg or webp; the archive's metadata is written into each." };
    private readonly Option<int?> quality = new("--quality", "-q") { Description = "1-100 for jpeg and webp (defaults 85 and 80)." };

    public ArchiveRestoreCommand(CliContext cli) : base("restore", "Restore every image of an archive folder to PNG, JPEG or WebP.")
    {
        Add(archive); Add(output); Add(instances); Add(format); Add(quality);
        SetAction((r, ct) => ExecuteAsync(cli, r, ct));
    }

    private async Task<int> ExecuteAsync(CliContext cli, ParseResult r, CancellationToken ct)
    {
        var src = r.GetValue(archive)!;
        if (!Directory.Exists(src)) throw new UsageException($"archive folder not found: {src}");
        var models = new RegistryModelSource(cli.Models);
        OutputFormat chosen = OutputFormat.Png;
        if (r.GetValue(format) is { } name && !OutputFormats.TryParse(name, out chosen)) throw new UsageException($"--format must be png, jpeg or webp, not '{name}'");
        if (new ImageOutputOptions(chosen, r.GetValue(quality)).Problems().FirstOrDefault() is { Field: not null } problem) throw new UsageException($"--{problem.Field} {problem.Message}");
        var formatName = r.GetValue(format) is null ? null : OutputFormats.Name(chosen);
        RestoreSummary summary;
        if (cli.ErrIsInteractive)
        {
            summary = await cli.Err.Status().StartAsync("restoring", async ctx =>
                await ArchiveRunner.RestoreAsync(src, r.GetValue(output)!, models, r.GetValue(instances),
                    new InlineProgress<RestoreProgress>(p => ctx.Status($"restored {p.Restored}, failed {p.Failed}: {Markup.Escape(p.Current ?? "")}")), ct: ct,
                    format: formatName, quality: r.GetValue(quality)));
        }
        else
        {
            summary = await ArchiveRunner.RestoreAsync(src, r.GetValue(output)!, models, r.GetValue(instances), ct: ct, format: formatName, quality: r.GetValue(quality));
        }
        SummaryTable.Write(cli.Out, "archive restore",
        [
            ("Restored", Units.Count(summary.Restored)),
            ("Failed", Units.Count(summary.Failures.Count)),
            ($"{OutputFormats.Name(chosen).ToUpperInvariant()} bytes", Units.Bytes(summary.BytesWritten)),
            ("Time", Units.Seconds(summary.Elapsed)),
        ]);
        foreach (var f in summary.Failures) cli.Error($"{f.SourcePath}: {f.Reason}");
        return summary.Failures.Count > 0 ? ExitCodes.InputsFailed : ExitCodes.Ok;
    }
}
