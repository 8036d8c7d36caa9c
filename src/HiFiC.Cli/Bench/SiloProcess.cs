using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace HiFiC.Cli.Bench;

/// <summary>
/// A `hific silo` child process of `hific bench scale` (this very executable): its log tail kept for
/// diagnostics, its RSS and CPU time read from /proc (the last values stay known after it is killed).
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process process;
    private readonly Queue<string> tail = new();
    private readonly TaskCompletionSource joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double lastCpuSeconds;

    private SiloProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public int Port { get; }
    public int Id => process.Id;
    public bool HasExited => process.HasExited;

    public static SiloProcess Start(IReadOnlyDictionary<string, string> environment, int port, int threads)
    {
        // The same hific: an apphost runs directly, `dotnet hific.dll` again through dotnet.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable this is");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in new[] { "silo", "--threads", threads.ToString(CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment["HiFiC__Cluster__SiloPort"] = port.ToString(CultureInfo.InvariantCulture);
        return new SiloProcess(Process.Start(psi) ?? throw new InvalidOperationException("hific silo did not start"), port);
    }

    private void Line(string? line)
    {
        if (line is null) return;
        if (line.Contains("joined cluster", StringComparison.Ordinal)) joined.TrySetResult();
        lock (tail)
        {
            tail.Enqueue(line);
            if (tail.Count > 200) tail.Dequeue();
        }
    }

    public async Task WaitJoinedAsync(TimeSpan timeout, CancellationToken ct)
    {
        var exited = process.WaitForExitAsync(ct);
        var done = await Task.WhenAny(joined.Task, exited, Task.Delay(timeout, ct));
        if (done != joined.Task)
            throw new InvalidOperationException($"silo on port {Port} did not join the cluster ({(process.HasExited ? $"exited with {process.ExitCode}" : "timed out")}):\n{Tail()}");
    }

    public string Tail()
    {
        lock (tail) return string.Join('\n', tail);
    }

    /// <summary>SIGKILL: no graceful hand-over, as when a node dies.</summary>
    public void Kill()
    {
        CpuSeconds();
        try { process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
        process.WaitForExit(10_000);
    }

    public double RssMb()
    {
        try
        {
            if (process.HasExited) return 0;
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { return 0; }
    }

    /// <summary>User + system CPU seconds so far (utime and stime of /proc/pid/stat at 100 ticks/s); the last known value once gone.</summary>
    public double CpuSeconds()
    {
        try
        {
            if (process.HasExited) return lastCpuSeconds;
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields after the command: state is [0], utime [11], stime [12].
            lastCpuSeconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException) { }
        return lastCpuSeconds;
    }

    public void Dispose()
    {
        try { if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(10_000); } }
        catch (InvalidOperationException) { }
        process.Dispose();
    }
}
