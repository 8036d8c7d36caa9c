using System.Globalization;
using System.Text.RegularExpressions;
using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>
/// Butteraugli distance (libjxl's `butteraugli_main`, Debian libjxl-devtools), 3-norm: a perceptual
/// measure that needs no network weights. Lower is better; about 1 is "just noticeable".
/// </summary>
public static partial class Butteraugli
{
    public const string Tool = "butteraugli_main";

    /// <summary>The tool's path, or null where it is not installed (the distance is then NaN, and the report says so).</summary>
    public static string? Find() => ExternalTool.Find(Tool);

    /// <summary>3-norm distance of <paramref name="decoded"/> from the reference PNG; NaN without the tool.</summary>
    public static async Task<double> DistanceAsync(string referencePng, RgbImage decoded, string workDir, CancellationToken ct)
    {
        if (Find() is not { } exe) return double.NaN;
        Directory.CreateDirectory(workDir);
        var png = Path.Combine(workDir, $"butteraugli-{Guid.NewGuid():N}.png");
        try
        {
            ImageIO.SavePng(png, decoded);
            var output = await ExternalTool.RunAsync(exe, [referencePng, png, "--pnorm", "3"], ct).ConfigureAwait(false);
            return Parse(output);
        }
        finally
        {
            File.Delete(png);
        }
    }

    /// <summary>The "3-norm: X" line of the tool's output.</summary>
    public static double Parse(string output)
    {
        var m = ThreeNorm().Match(output);
        if (!m.Success) throw new InvalidOperationException($"{Tool} printed no 3-norm: {output.Trim()}");
        return double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"3-norm:\s*([0-9.eE+-]+)")]
    private static partial Regex ThreeNorm();
}
