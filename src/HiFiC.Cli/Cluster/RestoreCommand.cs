using System.CommandLine;
using Spectre.Console;
using HiFiC.Cli.Files;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Imaging.Output;
using HiFiC.Cli.Settings;

namespace HiFiC.Cli.Cluster;

/// <summary>
/// `hific restore ARCHIVE_PATH -o OUT.png [--region x,y,w,h] [--format png|jpeg|webp --quality Q]`: one archived image (or a region of
/// it) decoded by the cluster's restore grain, on whichever silo the client reaches. ARCHIVE_PATH
/// is the .hific file as the silos see it (a path, or azblob://container/prefix/name.hific).
/// </summary>
public sealed class RestoreCommand : JobClientCommand
{
    private readonly Argument<string> archived = new("archive-path") { Description = "The archived .hific (folder path as the silos see it, or azblob://container/.../name.hific)." };
    private readonly Option<string?> output = CommonOptions.Output("PNG to write (default: the original's name + .png in the current folder).");
    private readonly Option<PixelRect?> region = CommonOptions.Region();
    private readonly Option<bool> overwrite = CommonOptions.Overwrite();
    private readonly OutputChoice formats;

    public RestoreCommand(CliContext cli) : base(cli, "restore", "Restore one archived image (or a region of it) to PNG, JPEG or WebP through a running cluster.")
    {
        Add(archived); Add(output); Add(region); Add(overwrite);
        formats = new OutputChoice(this);
    }

    protected override void Validate(ParseResult r) => Split(r.GetValue(archived)!);

    protected override async Task<int> ExecuteAsync(CliContext cli, ParseResult r, IClusterClient client, CancellationToken ct)
    {
        var (archive, sourcePath) = Split(r.GetValue(archived)!);
        var rect = r.GetValue(region);
        // An image kept as its original comes back as its bytes, unless a format is given or the output is named .png/.jpg/.webp.
        bool named = r.GetValue(output) is { } o && OutputFormats.FromFileName(o) is not null;
        var written = formats.For(r, r.GetValue(output));
        bool convert = named || formats.Given(r);
        var request = new RestoreRequest(archive, sourcePath, rect is { } p ? new ImageRegion(p.X, p.Y, p.Width, p.Height) : null,
            Format: convert ? OutputFormats.Name(written.Format) : null, Quality: convert ? written.Quality : null, Width: written.Width, Height: written.Height);
        // Streamed: a restore of a large image on CPU silos takes longer than the 30 s response timeout.
        var image = await RestoreStreams.ReadAllAsync(client.GetGrain<IRestoreStreamGrain>(Guid.NewGuid()).RestoreAsync(request, ct), ct);
        var path = r.GetValue(output) ?? (image.Original && rect is null && !convert ? sourcePath
            : Path.ChangeExtension(ArchiveNaming.RestoredName(sourcePath), OutputFormats.Extension(written.Format)));
        AtomicFile.Write(path, r.GetValue(overwrite), s => s.Write(image.Png), ct);
        cli.Out.WriteLine(!image.Original ? $"{path}: {image.Width}x{image.Height} from {sourcePath} (model {image.ModelId})"
            : rect is null && !convert ? $"{path}: {image.Width}x{image.Height}, the original's bytes as archived ({image.ContentType})"
            : $"{path}: {image.Width}x{image.Height} from {sourcePath} (archived as its original, decoded to {OutputFormats.Name(written.Format).ToUpperInvariant()})");
        return ExitCodes.Ok;
    }

    /// <summary>".../archive/sub/a.png.hific" (or its .hific.json, or a.png.orig) → archive location ".../archive/sub" and source path "a.png".</summary>
    internal static (string Archive, string SourcePath) Split(string archived)
    {
        bool uri = archived.Contains("://", StringComparison.Ordinal);
        var full = uri ? archived : Path.GetFullPath(archived);
        int slash = full.LastIndexOf('/');
        if (slash < 0 || slash == full.Length - 1) throw new UsageException($"not an archived file: {archived}");
        var name = full[(slash + 1)..];
        if (name.EndsWith(".hific.json", StringComparison.Ordinal)) name = name[..^".json".Length];
        // A kept original's blob (a.png.orig) restores as a.png, through its manifest, like its bitstream would.
        if (name.EndsWith(ArchiveNaming.OriginalSuffix, StringComparison.Ordinal)) name = name[..^ArchiveNaming.OriginalSuffix.Length] + ".hific";
        // A bitstream renamed while its entry was replaced (a.png.<hash>.hific) restores as a.png, through its manifest.
        var source = ArchiveNaming.SourceOfBitstream(name) ?? throw new UsageException($"not a .hific file: {archived}");
        return (full[..slash], source);
    }
}
