using System.Diagnostics;

namespace HiFiC.Evaluation;

/// <summary>Runs command-line encoders and decoders; finds them on PATH.</summary>
public static class ExternalTool
{
    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? Find(string name)
    {
        if (Path.IsPathRooted(name)) return File.Exists(name) ? name : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs a tool to completion and returns its stdout+stderr. A non-zero exit throws with the
    /// tool's own message; cancellation kills the process tree so no encoder outlives the benchmark.
    /// </summary>
    public static async Task<string> RunAsync(string exe, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (code, output) = await RunRawAsync(exe, args, ct).ConfigureAwait(false);
        if (code != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(exe)} {string.Join(' ', args)} exited with {code}: {output.Trim()}");
        return output;
    }

    /// <summary>The first output line that looks like a version (has a digit), for the report; never throws.</summary>
    public static async Task<string> VersionAsync(string exe, IReadOnlyList<string> args, CancellationToken ct)
    {
        try
        {
            // Some tools print their version with a non-zero exit (heif-enc has no --version): take the text anyway.
            var (_, output) = await RunRawAsync(exe, args, ct).ConfigureAwait(false);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(l => l.Any(char.IsDigit)) ?? "unknown";
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static async Task<(int ExitCode, string Output)> RunRawAsync(string exe, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        // Both pipes are drained concurrently: a tool that fills one while we wait on the other would hang.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* already gone */ }
            throw;
        }
        var output = (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false));
        return (process.ExitCode, output);
    }
}
