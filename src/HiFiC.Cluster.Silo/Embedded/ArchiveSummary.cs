using HiFiC.Cluster.Contracts.Jobs;

namespace HiFiC.Cluster.Silo.Embedded;

/// <summary>What a finished (or cancelled) embedded job did, for the command's summary.</summary>
public sealed record ArchiveSummary(JobStatus Status, TimeSpan Elapsed)
{
    public long Images => Status.Done;
    /// <summary>Of <see cref="Images"/>, those stored as their original bytes.</summary>
    public long KeptOriginal => Status.KeptOriginal;
    public long BytesBefore => Status.BytesIn;
    public long BytesAfter => Status.BytesOut;
    public double Ratio => Status.BytesOut > 0 ? (double)Status.BytesIn / Status.BytesOut : 0;
    public double MeanBpp => Status.MeanBpp;
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Status.Done / Elapsed.TotalSeconds : 0;
    public double MegapixelsPerSecond => Elapsed.TotalSeconds > 0 ? Status.Pixels / 1e6 / Elapsed.TotalSeconds : 0;
}
