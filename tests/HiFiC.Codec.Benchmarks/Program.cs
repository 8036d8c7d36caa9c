using BenchmarkDotNet.Running;

// Run with `dotnet run -c Release -- --filter '*'` (add `--job short` for a quick look).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
