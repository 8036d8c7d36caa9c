using HiFiC.Cluster.Silo.Hosting;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HiFiC.Cluster.Tests.Azure;

/// <summary>
/// Azurite (tools/azurite, pinned 3.37.0) on free loopback ports, in memory, for the life of a
/// test class. Installed on first use by scripts/install-azurite.sh when missing. The SDK clients
/// pin service version 2026-06-06, the newest this Azurite accepts.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var exe = FindAzurite();
        int blob = LoopbackPorts.Next(), queue = LoopbackPorts.Next(), table = LoopbackPorts.Next();
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--inMemoryPersistence", "--disableTelemetry", "--silent",
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString() })
            psi.ArgumentList.Add(a);
        process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
                           $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
        var clock = Stopwatch.StartNew();
        foreach (var port in new[] { blob, queue, table })
            while (!await CanConnectAsync(port))
            {
                if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("Azurite did not listen within 30 s.");
                await Task.Delay(100);
            }
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        process?.Dispose();
        return Task.CompletedTask;
    }

    internal static string FindAzurite()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var tools = Path.Combine(d.FullName, "tools", "azurite");
            if (!Directory.Exists(tools)) continue;
            var exe = Path.Combine(tools, "node_modules", ".bin", "azurite");
            if (!File.Exists(exe))
            {
                var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(d.FullName, "scripts", "install-azurite.sh")]))!;
                install.WaitForExit();
                if (install.ExitCode != 0 || !File.Exists(exe))
                    throw new InvalidOperationException("Azurite is not installed and scripts/install-azurite.sh failed.");
            }
            return exe;
        }
        throw new InvalidOperationException("tools/azurite not found above " + AppContext.BaseDirectory);
    }


    internal static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var c = new TcpClient();
            await c.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }
}
