using System.Globalization;

namespace HiFiC.Cli.Output;

/// <summary>Number formats for tables; invariant culture so logs and docs read the same everywhere.</summary>
public static class Units
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", Inv) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.00", Inv) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", Inv) + " GiB",
    };

    public static string F(double value, int decimals) =>
        double.IsNaN(value) ? "-" : double.IsPositiveInfinity(value) ? "inf" : value.ToString("F" + decimals, Inv);

    public static string Count(long value) => value.ToString("N0", Inv);

    /// <summary>Millions, for parameter counts and symbol rates.</summary>
    public static string Millions(double value) => (value / 1e6).ToString(value >= 1e7 ? "0.0" : "0.00", Inv) + " M";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "0.00" : "0.0", Inv) + " s";
}
