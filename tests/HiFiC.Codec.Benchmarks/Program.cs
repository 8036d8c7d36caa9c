using BenchmarkDotNet.Running;
using HiFiC.Codec.Benchmarks;

// Run with `dotnet run -c Release -- --filter '*'` (add `--job short` for a quick look), or with
// `--cpu-time` for the thread-CPU-time table (CpuTimeReport), which a loaded machine disturbs less.
if (args is ["--cpu-time", ..])
{
    CpuTimeReport.Run(Console.Out, args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
