using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiFiC.Codec.Models;

/// <summary>One operating point of a variable-rate model: a named rate t and what it gave on the eval set.</summary>
public sealed record RatePoint(string Name, double Rate, double TargetBpp, double? EvalBpp = null, double? EvalPsnr = null, double? EvalMsSsim = null);

/// <summary>How the weights were made.</summary>
public sealed record TrainingInfo(long Steps, double Hours, string Data, string Phase, string Recipe);

/// <summary>
/// The model card stored beside the weights (model.json). The digest covers the weights and the
/// entropy tables: it is what a .hific file records, so a file can only be decoded by the exact
/// model that wrote it.
/// </summary>
public sealed record ModelCard(
    string Id,
    string Preset,
    string Digest,
    IReadOnlyList<RatePoint> Rates,
    TrainingInfo? Training,
    string Description,
    DateTime CreatedUtc)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelCard FromJson(string json, string source) =>
        JsonSerializer.Deserialize<ModelCard>(json, Json) ?? throw new InvalidDataException($"Empty model card: {source}");

    /// <summary>
    /// Rate t for a target bpp, interpolating the measured operating points (log-bpp is close to
    /// linear in t for gain-based variable rate). Outside the measured range it clamps.
    /// </summary>
    public double RateForBpp(double bpp)
    {
        var points = Rates.Where(r => r.EvalBpp is > 0).OrderBy(r => r.Rate).ToList();
        if (points.Count == 0) points = Rates.OrderBy(r => r.Rate).ToList();
        if (points.Count == 0) throw new InvalidOperationException($"Model {Id} lists no rate points.");
        double Bpp(RatePoint r) => r.EvalBpp ?? r.TargetBpp;
        if (bpp <= Bpp(points[0])) return points[0].Rate;
        for (int i = 1; i < points.Count; i++)
        {
            if (bpp <= Bpp(points[i]))
            {
                double a = Math.Log(Bpp(points[i - 1])), b = Math.Log(Bpp(points[i]));
                double f = (Math.Log(bpp) - a) / (b - a);
                return points[i - 1].Rate + f * (points[i].Rate - points[i - 1].Rate);
            }
        }
        return points[^1].Rate;
    }

    public double RateByName(string name) =>
        Rates.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))?.Rate
        ?? throw new ArgumentException($"Model {Id} has no rate named '{name}'. Known: {string.Join(", ", Rates.Select(r => r.Name))}.");
}
