using HiFiC.Cluster.Silo.Hosting;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// Azurite that keeps its data in a folder (--location) on fixed ports, so it can be stopped and
/// started again mid-test: a storage outage that the service comes back from with its data, as a
/// real account does. Stop is SIGTERM (Azurite saves its metadata on the way out).
/// </summary>
public sealed class PersistentAzurite : IAsyncDisposable
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string location;
    private readonly int blob = LoopbackPorts.Next(), queue = LoopbackPorts.Next(), table = LoopbackPorts.Next();
    private Process? process;

    public PersistentAzurite(string location)
    {
        this.location = location;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
                           $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    public string ConnectionString { get; }

    public bool Running => process is { HasExited: false };

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(AzuriteFixture.FindAzurite()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--location", location, "--disableTelemetry", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString() })
            psi.ArgumentList.Add(a);
        process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        foreach (var port in new[] { blob, queue, table })
            while (!await AzuriteFixture.CanConnectAsync(port))
            {
                if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("Azurite did not listen within 60 s.");
                await Task.Delay(100);
            }
    }

    /// <summary>The outage begins: SIGTERM, then wait for the process to be gone (SIGKILL after 30 s).</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } p) return;
        kill(p.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); }
        p.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        if (process is not null) await process.WaitForExitAsync();
        process?.Dispose();
    }


    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
