using System.CommandLine;
using HiFiC.Codec.Imaging.Output;

namespace HiFiC.Cli.Settings;

/// <summary>--format, --quality, --width and --height of the restore commands: the format defaults to the output file's
/// extension (.png, .jpg/.jpeg, .webp), else PNG; the bounds are <see cref="ImageOutputOptions"/>'s, checked at parse time.</summary>
public sealed class OutputChoice
{
    public Option<string?> Format { get; } = new("--format", "-f")
    {
        Description = "png, jpeg or webp (default: from the output's extension, else png). The archive's EXIF/XMP/IPTC/ICC are written into each.",
    };

    public Option<int?> Quality { get; } = new("--quality", "-q") { Description = "1-100 for jpeg and webp (defaults 85 and 80)." };

    public Option<int?> Width { get; } = new("--width") { Description = $"Shrink into this width (aspect kept, never enlarged; 1-{ImageOutputOptions.MaxSide})." };

    public Option<int?> Height { get; } = new("--height") { Description = $"Shrink into this height (aspect kept, never enlarged; 1-{ImageOutputOptions.MaxSide})." };

    public OutputChoice(Command command)
    {
        Format.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !OutputFormats.TryParse(r.Tokens[0].Value, out _)) r.AddError($"--format must be png, jpeg or webp, not '{r.Tokens[0].Value}'");
        });
        Quality.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } q && (q < 1 || q > 100)) r.AddError("--quality must be between 1 and 100");
        });
        foreach (var side in new[] { Width, Height })
            side.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is { } v && (v < 1 || v > ImageOutputOptions.MaxSide)) r.AddError($"--{side.Name.TrimStart('-')} must be between 1 and {ImageOutputOptions.MaxSide}");
            });
        command.Add(Format);
        command.Add(Quality);
        command.Add(Width);
        command.Add(Height);
    }

    /// <summary>The options for writing to <paramref name="outputPath"/> (null: the format option or PNG).</summary>
    public ImageOutputOptions For(ParseResult r, string? outputPath)
    {
        var format = r.GetValue(Format) is { } name && OutputFormats.TryParse(name, out var f) ? f
            : outputPath is not null && OutputFormats.FromFileName(outputPath) is { } byName ? byName : OutputFormat.Png;
        var options = new ImageOutputOptions(format, r.GetValue(Quality), r.GetValue(Width), r.GetValue(Height));
        if (options.Problems().FirstOrDefault() is { Field: not null } p) throw new UsageException($"--{p.Field} {p.Message}");
        return options;
    }

    /// <summary>Whether --format or a size was given (else an original kept as it was may come back as its own bytes).</summary>
    public bool Given(ParseResult r) => r.GetValue(Format) is not null || r.GetValue(Width) is not null || r.GetValue(Height) is not null;
}
