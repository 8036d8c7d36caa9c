using HiFiC.Codec.Coding;

namespace HiFiC.Cli.Results;

/// <summary>One compressed image: its source size on disk and the encoder's result.</summary>
public sealed record CompressedFile(string Name, string Output, long InputBytes, CompressResult Result)
{
    /// <summary>Constant-quality mode only: the rate chosen for this image, and why (see ConstantQualityEncoder).</summary>
    public HiFiC.Codec.Coding.ConstantQuality.ConstantQualityResult? Quality { get; init; }
    public long Pixels => (long)Result.Width * Result.Height;
}
