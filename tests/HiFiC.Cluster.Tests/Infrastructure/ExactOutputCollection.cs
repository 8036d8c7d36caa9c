namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>
/// Test classes that compare a cluster's bytes or pixels with a direct encode or decode in this
/// process. LibTorch's `set_num_threads` also sets MKL's thread count, which is process-wide, and
/// GEMM-backed ops (MS-SSIM's grouped convolution in refinement, for one) may round differently at
/// another count. With other classes running beside them at 2 threads, a 1-thread refined encode
/// differed from the silo's in one of two clean-clone runs (it passes alone every time; MKL's shared
/// count is the likely cause). The product contract is "the same bytes for the same thread count",
/// so these classes run alone, where that count is theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExactOutputCollection
{
    public const string Name = "exact output (runs alone)";
}
