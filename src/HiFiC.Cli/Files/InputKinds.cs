namespace HiFiC.Cli.Files;

/// <summary>Which files in a folder a command takes.</summary>
public static class InputKinds
{
    /// <summary>What ImageIO decodes (GIF and TIFF: first frame/page).</summary>
    public static readonly IReadOnlySet<string> Images = HiFiC.Codec.Imaging.ImageIO.Extensions;

    public static readonly IReadOnlySet<string> Hific = new HashSet<string>([".hific"], StringComparer.OrdinalIgnoreCase);
}
