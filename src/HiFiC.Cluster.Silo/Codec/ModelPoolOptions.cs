namespace HiFiC.Cluster.Silo.Codec;

/// <summary>Bound from "HiFiC:ModelPool".</summary>
public sealed class ModelPoolOptions
{
    public const string Section = "HiFiC:ModelPool";

    /// <summary>Model instances (each with its own compute thread). 0 = two on a GPU (HIFIC_DEVICE, default: CUDA when present), else cores / ThreadsPerInstance.</summary>
    public int Instances { get; set; }

    /// <summary>LibTorch intra-op threads. 2 is the measured sweet spot on CPU; it is process-wide in LibTorch.</summary>
    public int ThreadsPerInstance { get; set; } = 2;
}
