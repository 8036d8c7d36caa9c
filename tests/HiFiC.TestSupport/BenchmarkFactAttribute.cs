namespace HiFiC.TestSupport;

/// <summary>
/// A measurement written as a test (it reports numbers, asserts no speed): skipped, with the reason,
/// unless HIFIC_BENCH=1, so the default suite neither spends its minutes nor passes without running it.
/// </summary>
public sealed class BenchmarkFactAttribute : Xunit.FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HIFIC_BENCH") != "1")
            Skip = "a benchmark, not a check: run it with HIFIC_BENCH=1";
    }
}
