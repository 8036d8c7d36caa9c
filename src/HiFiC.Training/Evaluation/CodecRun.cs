using HiFiC.Codec.Imaging;

namespace HiFiC.Training.Evaluation;

/// <summary>One encode + decode: the compressed size (whole file) and the decoded pixels.</summary>
public sealed record CodecRun(long Bytes, RgbImage Decoded, TimeSpan EncodeTime, TimeSpan DecodeTime);
