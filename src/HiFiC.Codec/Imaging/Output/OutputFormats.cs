namespace HiFiC.Codec.Imaging.Output;

/// <summary>Names, media types and extensions of the output formats, and the choice from an HTTP Accept header.</summary>
public static class OutputFormats
{
    public static string ContentType(OutputFormat f) => f switch
    {
        OutputFormat.Jpeg => "image/jpeg",
        OutputFormat.Webp => "image/webp",
        _ => "image/png",
    };

    public static string Extension(OutputFormat f) => f switch
    {
        OutputFormat.Jpeg => ".jpg",
        OutputFormat.Webp => ".webp",
        _ => ".png",
    };

    public static string Name(OutputFormat f) => f.ToString().ToLowerInvariant();

    /// <summary>"png", "jpeg"/"jpg", "webp" (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out OutputFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "png": format = OutputFormat.Png; return true;
            case "jpeg" or "jpg": format = OutputFormat.Jpeg; return true;
            case "webp": format = OutputFormat.Webp; return true;
            default: format = OutputFormat.Png; return false;
        }
    }

    /// <summary>The format of a file name's extension (.png, .jpg/.jpeg, .webp), or null.</summary>
    public static OutputFormat? FromFileName(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => OutputFormat.Png,
        ".jpg" or ".jpeg" => OutputFormat.Jpeg,
        ".webp" => OutputFormat.Webp,
        _ => null,
    };

    /// <summary>
    /// The best format an Accept header allows, by its q-values; among equal ones WebP before JPEG
    /// before PNG (smallest first, as imgproxy does). PNG when the header is absent, allows
    /// everything (*/* or image/*) without naming a format, or names none of ours.
    /// </summary>
    public static OutputFormat FromAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return OutputFormat.Png;
        var q = new Dictionary<OutputFormat, double>();
        foreach (var part in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            double weight = 1;
            foreach (var p in pieces.Skip(1))
                if (p.StartsWith("q=", StringComparison.OrdinalIgnoreCase) && double.TryParse(p[2..], System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                    weight = Math.Clamp(v, 0, 1);
            OutputFormat? f = pieces[0].ToLowerInvariant() switch
            {
                "image/webp" => OutputFormat.Webp,
                "image/jpeg" or "image/jpg" => OutputFormat.Jpeg,
                "image/png" => OutputFormat.Png,
                _ => null,
            };
            if (f is { } format) q[format] = Math.Max(q.GetValueOrDefault(format), weight);
        }
        foreach (var f in new[] { OutputFormat.Webp, OutputFormat.Jpeg, OutputFormat.Png })
            if (q.GetValueOrDefault(f) > 0 && q[f] >= q.Values.Max()) return f;
        return OutputFormat.Png;
    }
}
