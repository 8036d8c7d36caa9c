using System.Runtime.InteropServices;
using HiFiC.Codec.Entropy;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// `--cpu-time`: the same workloads and layouts as <see cref="EntropyBenchmarks"/>, timed by the
/// thread's CPU time instead of the wall clock (best of 15 decodes, 5 encodes), plus each
/// workload's stream bytes per layout. On a machine shared with other work the wall clock also
/// counts the time the thread waits for a core; its CPU time does not (Linux only).
/// </summary>
public static class CpuTimeReport
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ThreadCpuTimeClock = 3;

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double CpuSeconds()
    {
        if (ClockGetTime(ThreadCpuTimeClock, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    /// <param name="workloads">Names to run (<see cref="EntropyWorkload.Load"/>); none means all.</param>
    public static void Run(TextWriter output, IReadOnlyList<string> workloads)
    {
        output.WriteLine("| Workload | Decoder | Decode MSymbols/s | Encode MSymbols/s | Stream bytes |");
        output.WriteLine("|---|---|---:|---:|---:|");
        foreach (var name in workloads.Count > 0 ? workloads : ["synthetic", "lite-flower", "lite-ctx-flower"])
        {
            var workload = EntropyWorkload.Load(name, EntropyBenchmarks.SymbolCount);
            foreach (var variant in Enum.GetValues<DecoderVariant>())
            {
                var layout = variant.Layout();
                var streams = workload.Streams.Select(s => RansCoder.Encode(s.Values, s.Indices, s.Tables, layout)).ToArray();
                var decoded = workload.Streams.Select(s => new int[s.Values.Length]).ToArray();
                double decode = double.MaxValue, encode = double.MaxValue;
                for (int run = 0; run < 15; run++)
                {
                    double start = CpuSeconds();
                    for (int k = 0; k < streams.Length; k++)
                        variant.Decode(streams[k], workload.Streams[k].Indices, workload.Streams[k].Tables, decoded[k]);
                    decode = Math.Min(decode, CpuSeconds() - start);
                    if (run % 3 != 0) continue;
                    start = CpuSeconds();
                    foreach (var s in workload.Streams) RansCoder.Encode(s.Values, s.Indices, s.Tables, layout);
                    encode = Math.Min(encode, CpuSeconds() - start);
                }
                for (int k = 0; k < streams.Length; k++)
                {
                    if (!decoded[k].AsSpan().SequenceEqual(workload.Streams[k].Values))
                        throw new InvalidOperationException($"{name}/{variant}: stream {k} does not round-trip");
                }
                double millions = EntropyBenchmarks.SymbolCount / 1e6;
                output.WriteLine($"| {name} | {variant} | {millions / decode:F1} | {millions / encode:F1} | {streams.Sum(s => (long)s.Length)} |");
            }
        }
    }
}
