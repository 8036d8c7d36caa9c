using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HiFiC.Codec.Benchmarks;

/// <summary>
/// Millions of operations per second, i.e. symbols when OperationsPerInvoke counts symbols;
/// throughput is the figure the targets are stated in, and BenchmarkDotNet only reports time.
/// </summary>
public sealed class SymbolsPerSecondColumn : IColumn
{
    public string Id => nameof(SymbolsPerSecondColumn);
    public string ColumnName => "MSymbols/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Millions of symbols coded per second (1000 / Mean in ns)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        // ResultStatistics are already per operation (divided by OperationsPerInvoke).
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return nanoseconds is > 0 ? (1000 / nanoseconds.Value).ToString("F1") : "-";
    }
}
