namespace HiFiC.Codec.Imaging.Output;

/// <summary>
/// How a restored image is written: format, quality of the lossy formats, and an optional box to
/// shrink it into (aspect kept, never enlarged). Checked in one place (<see cref="Problems"/>) for
/// the CLI, the web host and the silos alike.
/// </summary>
/// <param name="Quality">1..100 for JPEG and WebP; null = the format's default. Not allowed for PNG (lossless).</param>
/// <param name="Width">Largest output width, 1..<see cref="MaxSide"/>; null = no bound.</param>
/// <param name="Height">Largest output height, 1..<see cref="MaxSide"/>; null = no bound.</param>
public sealed record ImageOutputOptions(OutputFormat Format = OutputFormat.Png, int? Quality = null, int? Width = null, int? Height = null)
{
    /// <summary>The largest width or height a resized restore may ask for (imgproxy's default bound is of this order).</summary>
    public const int MaxSide = 8192;
    public const int DefaultJpegQuality = 85;
    public const int DefaultWebpQuality = 80;

    public static ImageOutputOptions Png { get; } = new();

    public bool Resizes => Width is not null || Height is not null;

    /// <summary>True for a full-size PNG: the bytes are those of the plain PNG writer.</summary>
    public bool IsPlainPng => Format == OutputFormat.Png && !Resizes;

    public int EffectiveQuality => Quality ?? (Format == OutputFormat.Webp ? DefaultWebpQuality : DefaultJpegQuality);

    /// <summary>What is wrong with these options, as (field, message) pairs; empty when they are usable.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var list = new List<(string, string)>();
        if (!Enum.IsDefined(Format)) list.Add(("format", "must be png, jpeg or webp"));
        if (Quality is { } q && Format == OutputFormat.Png) list.Add(("quality", "applies to jpeg and webp only (png is lossless)"));
        else if (Quality is { } q2 && (q2 < 1 || q2 > 100)) list.Add(("quality", "must be between 1 and 100"));
        if (Width is { } w && (w < 1 || w > MaxSide)) list.Add(("width", $"must be between 1 and {MaxSide}"));
        if (Height is { } h && (h < 1 || h > MaxSide)) list.Add(("height", $"must be between 1 and {MaxSide}"));
        return list;
    }

    /// <summary>The output size for an image of <paramref name="width"/> x <paramref name="height"/>:
    /// the largest that fits the box with the aspect kept, never larger than the image, at least 1x1.</summary>
    public (int Width, int Height) SizeFor(int width, int height)
    {
        if (!Resizes) return (width, height);
        double scale = Math.Min(Math.Min(Width is { } w ? (double)w / width : 1, Height is { } h ? (double)h / height : 1), 1);
        if (scale >= 1) return (width, height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}
