using System.Text.Json;
using System.Text.Json.Serialization;
using HiFiC.Cli.Files;

namespace HiFiC.Cli.Output;

/// <summary>
/// --json reports: camelCase, indented, written atomically. A report is regenerated on every run,
/// so it replaces an existing file (unlike codec outputs, which need --overwrite).
/// </summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write<T>(string path, T report, CancellationToken ct) =>
        AtomicFile.Write(path, overwrite: true, s => JsonSerializer.Serialize(s, report, Options), ct);

    /// <summary>JSON has no infinity or NaN (identical images have infinite PSNR): those become null.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
