using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace HiFiC.TestSupport;

/// <summary>
/// A real `hific` process (the CLI built beside this test project: src/HiFiC.Cli/bin/&lt;config&gt;/net10.0/hific.dll)
/// with its stdout and stderr collected, for tests of `hific silo` and `hific job`; or another built
/// assembly of the repository (<see cref="StartAssembly"/>: the web host).
/// </summary>
public sealed class HificProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new(), stderr = new();
    private readonly object gate = new();

    private HificProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;
    public string Out { get { lock (gate) return stdout.ToString(); } }
    public string Err { get { lock (gate) return stderr.ToString(); } }
    public bool HasExited => process.HasExited;

    public static HificProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAssembly(BuiltAssembly("HiFiC.Cli", "hific"), environment, args);

    /// <summary>`dotnet <paramref name="dll"/> args` with the given environment.</summary>
    public static HificProcess StartAssembly(string dll, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return new HificProcess(Process.Start(psi) ?? throw new InvalidOperationException("hific did not start"));
    }

    /// <summary>Runs to completion and returns the exit code.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var p = Start(environment, args);
        int code = await p.WaitForExitAsync(timeout);
        return (code, p.Out, p.Err);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"hific did not exit within {timeout}.\nstdout:\n{Out}\nstderr:\n{Err}");
        }
        process.WaitForExit(); // drains the output readers
        return process.ExitCode;
    }

    public async Task WaitForErrAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Err.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited) throw new InvalidOperationException($"hific exited ({process.ExitCode}) before writing '{text}':\n{Err}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"hific did not write '{text}' within {timeout}:\n{Err}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: a crash, no goodbye.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
    }

    /// <summary>SIGTERM: what Kubernetes or systemd sends first.</summary>
    public void Terminate()
    {
        if (!process.HasExited && kill(process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>src/<paramref name="project"/>/bin/&lt;Configuration&gt;/net10.0/<paramref name="assembly"/>.dll, built with this test project's configuration.</summary>
    public static string BuiltAssembly(string project, string assembly)
    {
        // tests/<TestProject>/bin/<Configuration>/net10.0/ → src/<project>/bin/<Configuration>/net10.0/<assembly>.dll
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = bin.Parent!.Name;
        var repo = bin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repo, "src", project, "bin", configuration, bin.Name, assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/{project} first (the test project references it).", path);
    }
}
