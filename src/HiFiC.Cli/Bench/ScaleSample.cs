using System.Globalization;

namespace HiFiC.Cli.Bench;

/// <summary>One sample of `hific bench scale`: the job's counters, the queue, the coordinators' persisted state and the silos' memory and CPU.</summary>
public sealed record ScaleSample(
    double Seconds, long Done, long Queued, long Outstanding, long QueueDepth,
    long StateBytes, long StateBytesMaxGrain, double SilosRssMb, double CoordinatorRssMb, double SilosCpuSeconds, int Silos)
{
    public const string Header = "seconds,done,queued,outstanding,queue_depth,state_bytes,state_bytes_max_grain,silos_rss_mb,coordinator_rss_mb,silos_cpu_s,silos";

    public string Csv() => string.Create(CultureInfo.InvariantCulture,
        $"{Seconds:F1},{Done},{Queued},{Outstanding},{QueueDepth},{StateBytes},{StateBytesMaxGrain},{SilosRssMb:F0},{CoordinatorRssMb:F0},{SilosCpuSeconds:F1},{Silos}");
}
