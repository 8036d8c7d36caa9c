using System.Runtime.InteropServices;

namespace HiFiC.Cli;

public static class Program
{
    /// <summary>
    /// The first Ctrl+C (or SIGTERM) cancels: the current file's temporary output is deleted and
    /// training saves a checkpoint, a silo hands back its items. A second Ctrl+C or SIGTERM kills
    /// the process at once.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        // First: glibc reads its malloc tunables only at process start (the codec's tensors, MallocTuning).
        HiFiC.Codec.Networks.MallocTuning.RestartTuned();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine("hific: stopping after cleanup (Ctrl+C again to kill now)...");
            cts.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            if (cts.IsCancellationRequested) return; // the second one terminates (default handling)
            c.Cancel = true;
            cts.Cancel();
        });
        return await HificCli.RunAsync(args, Console.Out, Console.Error, cts.Token);
    }
}
