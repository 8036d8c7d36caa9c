using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>One encode + decode: the compressed size (whole file) and the decoded pixels.</summary>
/// <param name="RefinedTiles">Tiles the encoder refined (0 without refinement).</param>
/// <param name="TilesKeptPlain">Of those, tiles whose guard wrote the plain encoder's latent (step 0).</param>
public sealed record CodecRun(long Bytes, RgbImage Decoded, TimeSpan EncodeTime, TimeSpan DecodeTime, int RefinedTiles = 0, int TilesKeptPlain = 0);
