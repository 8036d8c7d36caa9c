using System.Globalization;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;

namespace HiFiC.Cli.Settings;

/// <summary>
/// --rate (a level name such as lo/mi/hi, or a continuous t) or --bpp (a target the card maps
/// to t from its measured operating points). Names and ranges belong to the model, so the choice
/// is only resolved once the model is known.
/// </summary>
public sealed record RateChoice(string? Rate, double? Bpp)
{
    public double Resolve(CodecModel model)
    {
        int levels = model.Preset.RateLevels;
        if (Bpp is { } bpp)
        {
            if (!(bpp > 0) || double.IsInfinity(bpp)) throw new UsageException($"--bpp must be a positive number (got {bpp}).");
            return model.Card.RateForBpp(bpp);
        }
        if (Rate is null) return model.RateNamed(CodecModel.DefaultRateName);
        if (double.TryParse(Rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
        {
            if (!RateGains.InRange(t, levels))
                throw new UsageException($"--rate {Rate} is outside model '{model.Id}''s range {RateGains.RangeText(levels)}.");
            return t;
        }
        try
        {
            return model.Card.RateByName(Rate);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>How the rate was picked, for result lines ("mi (t=1)", "t=0.42 for 0.2 bpp").</summary>
    public string Describe(CodecModel model, double t)
    {
        var name = model.Card.Rates.FirstOrDefault(r => Math.Abs(r.Rate - t) < 1e-9)?.Name;
        var tText = t.ToString("0.###", CultureInfo.InvariantCulture);
        var bppText = Bpp is { } b ? $" for {b.ToString("0.###", CultureInfo.InvariantCulture)} bpp" : "";
        return name is null ? $"t={tText}{bppText}" : $"{name} (t={tText}){bppText}";
    }
}
