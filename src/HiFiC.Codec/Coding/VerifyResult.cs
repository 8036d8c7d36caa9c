namespace HiFiC.Codec.Coding;

/// <summary>Quality of a verified decode against its source (null where the metric is undefined, e.g. PSNR of identical images).</summary>
public sealed record VerifyResult(double? Psnr, double? MsSsim);
