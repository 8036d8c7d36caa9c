using System.Diagnostics;
using HiFiC.Fuzz;
using SharpFuzz;

// HiFiC.Fuzz TARGET [--model DIR] [--in-process]   under afl-fuzz (scripts/fuzz.sh)
// HiFiC.Fuzz TARGET [--model DIR] --run PATH...    replay files or folders without AFL; exit 1 on a crash
// HiFiC.Fuzz fixup IN OUT                          write IN with its checksums recomputed (as the targets see it)
// HiFiC.Fuzz seeds DIR [MODEL]                     write the hand-made seeds (Seeds.cs)
// TARGET: header | decode. The decode model defaults to tests/golden/models/golden-tiny, found
// above the executable (or HIFIC_FUZZ_MODEL).

// The instrumented HiFiC.Codec writes coverage to Trace.SharedMem, which only Fuzzer.Run points at
// AFL's map; code run before it (loading the model, replaying files) needs a scratch map.
unsafe
{
    if (SharpFuzz.Common.Trace.SharedMem == null)
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
}

if (args.Length == 3 && args[0] == "fixup")
{
    File.WriteAllBytes(args[2], FuzzTargets.WithValidChecksums(File.ReadAllBytes(args[1])));
    return 0;
}

if (args.Length is 2 or 3 && args[0] == "seeds")
{
    Seeds.Write(args[1], FuzzModel.Load(args.Length == 3 ? args[2] : FindGoldenTiny()));
    return 0;
}

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: HiFiC.Fuzz <{string.Join("|", FuzzTargets.Names)}> [--model DIR] [--in-process] [--run PATH...]  |  HiFiC.Fuzz fixup IN OUT");
    return 2;
}

string target = args[0];
string? modelDir = Environment.GetEnvironmentVariable("HIFIC_FUZZ_MODEL");
bool inProcess = false;
List<string>? replay = null;
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length) modelDir = args[++i];
    else if (args[i] == "--in-process") inProcess = true;
    else if (args[i] == "--run") replay = [.. args[(i + 1)..]];
    else if (replay is null) { Console.Error.WriteLine($"unknown argument {args[i]}"); return 2; }
    if (replay is not null) break;
}

FuzzModel? model = target == "decode" ? FuzzModel.Load(modelDir ?? FindGoldenTiny()) : null;

if (replay is not null)
{
    int crashes = 0, files = 0;
    var outcomes = new Dictionary<string, int>();
    var sw = Stopwatch.StartNew();
    foreach (var path in replay.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order() : (IEnumerable<string>)[p]))
    {
        files++;
        var fileWatch = Stopwatch.StartNew();
        string outcome;
        try
        {
            outcome = FuzzTargets.Run(target, File.ReadAllBytes(path), model) ?? "ok";
        }
        catch (Exception e)
        {
            crashes++;
            outcome = "CRASH";
            Console.WriteLine($"{path}: CRASH {e}");
        }
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        if (Environment.GetEnvironmentVariable("HIFIC_FUZZ_VERBOSE") == "1" && outcome != "CRASH")
            Console.WriteLine($"{path}: {outcome} ({fileWatch.ElapsedMilliseconds} ms)");
    }
    Console.WriteLine($"{target}: {files} inputs in {sw.Elapsed.TotalSeconds:F1} s: " +
        string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
    return crashes == 0 ? 0 : 1;
}

Action<Stream> action = stream =>
{
    using var ms = new MemoryStream();
    stream.CopyTo(ms);
    FuzzTargets.Run(target, ms.ToArray(), model);
};
if (inProcess) Fuzzer.Run(action);
else Fuzzer.OutOfProcess.Run(action);
return 0;

static string FindGoldenTiny()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        var candidate = Path.Combine(d.FullName, "tests", "golden", "models", "golden-tiny");
        if (Directory.Exists(candidate)) return candidate;
    }
    throw new DirectoryNotFoundException("tests/golden/models/golden-tiny not found above the executable; pass --model DIR");
}
