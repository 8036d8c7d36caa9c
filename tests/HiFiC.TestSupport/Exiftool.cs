using System.Diagnostics;
using System.Text.Json;

namespace HiFiC.TestSupport;

/// <summary>Runs exiftool (Debian libimage-exiftool-perl) on a file and returns its tags, group-prefixed ("IFD0:Make").</summary>
public static class Exiftool
{
    public static bool Installed { get; } = Find() is not null;

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "exiftool")).FirstOrDefault(File.Exists);

    public static Dictionary<string, string> Read(string path)
    {
        var psi = new ProcessStartInfo(Find() ?? throw new InvalidOperationException("exiftool is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-j", "-G1", "-a", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement[0].EnumerateObject().ToDictionary(e => e.Name, e => e.Value.ToString());
    }
}

/// <summary>A fact skipped (with the reason) where exiftool is not installed.</summary>
public sealed class ExiftoolFactAttribute : Xunit.FactAttribute
{
    public ExiftoolFactAttribute()
    {
        if (!Exiftool.Installed) Skip = "needs exiftool (Debian libimage-exiftool-perl)";
    }
}
