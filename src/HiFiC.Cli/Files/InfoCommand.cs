using System.CommandLine;
using System.Buffers.Binary;
using System.Text.Json;
using HiFiC.Cli.Output;
using HiFiC.Cluster.Contracts.Archive;
using HiFiC.Codec.Format;

namespace HiFiC.Cli.Files;

/// <summary>
/// `hific info FILE.hific [--json]`: what a .hific holds, from its header, tile index and section
/// directory only (nothing is decoded and no model is loaded, so it answers in milliseconds for any
/// size). The refinement steps are not in the file; they come from the archive manifest beside it when there is one.
/// </summary>
public sealed class InfoCommand : Command
{
    private const int MagicBytes = 8;

    private readonly Argument<string> input = new("file") { Description = "A .hific file." };
    private readonly Option<bool> json = new("--json") { Description = "Print the facts as JSON (for scripts)." };

    public InfoCommand(CliContext cli) : base("info", "Describe a .hific file without decoding it: model, size, tiles, rate, metadata, format version.")
    {
        Add(input); Add(json);
        SetAction((r, ct) => Task.FromResult(Execute(cli, r)));
    }

    private int Execute(CliContext cli, ParseResult r)
    {
        var path = r.GetValue(input)!;
        if (!File.Exists(path)) throw new UsageException($"file not found: {path}");
        var info = Describe(path);
        var writer = cli.Out.Profile.Out.Writer;
        if (r.GetValue(json))
        {
            writer.WriteLine(JsonSerializer.Serialize(info, JsonReport.Options));
            return ExitCodes.Ok;
        }
        writer.WriteLine($"File            {info.File} ({info.FileBytes:N0} bytes)");
        writer.WriteLine($"Format version  {info.FormatVersion}");
        writer.WriteLine($"Model           {info.ModelId} (weights {info.ModelDigest})");
        writer.WriteLine($"Image           {info.Width}x{info.Height}, {info.SourceChannels} channel{(info.SourceChannels == 1 ? "" : "s")}, {info.SourceBitDepth}-bit source{(info.HasAlpha ? ", alpha" : "")}");
        writer.WriteLine($"Tiles           {info.Tiles} ({info.TilesX}x{info.TilesY} of {info.TileSize} px)");
        writer.WriteLine($"Rate            {info.Rate:0.###} ({info.Bpp:0.####} bpp)");
        writer.WriteLine($"Refinement      {(info.RefineSteps is { } s ? (s == 0 ? "none" : $"{s} steps") : "not recorded in the file (no archive manifest beside it)")}");
        writer.WriteLine($"Metadata        {(info.Metadata.Count == 0 ? "none" : string.Join(", ", info.Metadata))}");
        if (info.MetadataError is { } e) writer.WriteLine($"                (metadata section unreadable: {e})");
        return ExitCodes.Ok;
    }

    internal static HificFileInfo Describe(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int version = 0;
        // The version follows the 8-byte magic (docs/format.md); the reader checks both, this only reports it.
        Span<byte> lead = stackalloc byte[MagicBytes + 2];
        if (stream.ReadAtLeast(lead, lead.Length, throwOnEndOfStream: false) == lead.Length)
            version = BinaryPrimitives.ReadUInt16LittleEndian(lead[MagicBytes..]);
        stream.Position = 0;
        HificReader reader;
        try { reader = HificReader.Open(stream, leaveOpen: true); }
        catch (HificFormatException e) { throw new CliException(ExitCodes.InputsFailed, $"{path}: not a readable .hific file: {e.Message}"); }
        using (reader)
        {
            var h = reader.Header;
            var metadata = new List<string>();
            string? metadataError = null;
            try
            {
                if (reader.ReadMetadata() is { } m)
                {
                    if (m.Exif is { } exif) metadata.Add($"EXIF ({exif.Length:N0} bytes)");
                    if (m.Xmp is { } xmp) metadata.Add($"XMP ({xmp.Length:N0} bytes)");
                    if (m.Iptc is { } iptc) metadata.Add($"IPTC ({iptc.Length:N0} bytes)");
                    if (m.Icc is { } icc) metadata.Add($"ICC profile ({icc.Length:N0} bytes)");
                }
            }
            catch (HificFormatException e) { metadataError = e.Message; }
            long pixels = (long)h.Width * h.Height;
            return new HificFileInfo(Path.GetFileName(path), reader.FileLength, version, h.ModelId, Convert.ToHexStringLower(h.WeightsDigest),
                h.Width, h.Height, h.Color.SourceChannels, h.Color.SourceBitDepth, h.Color.HasAlpha, h.TileSize, h.TileCount, h.TilesX, h.TilesY,
                h.Rate, reader.FileLength * 8.0 / pixels, ManifestRefinement(path), metadata, metadataError);
        }
    }

    /// <summary>The refinement steps the archive manifest beside the file records, when it names this file.</summary>
    private static int? ManifestRefinement(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (ArchiveNaming.SourceOfBitstream(Path.GetFileName(full)) is not { } source) return null;
        var manifestPath = Path.Combine(folder, ArchiveNaming.Manifest(source));
        if (!File.Exists(manifestPath)) return null;
        try
        {
            var m = ArchiveManifest.FromJson(File.ReadAllBytes(manifestPath));
            return m.Output == Path.GetFileName(full) || m.Output.EndsWith("/" + Path.GetFileName(full), StringComparison.Ordinal) ? m.RefineSteps : null;
        }
        catch (JsonException) { return null; }
    }
}
