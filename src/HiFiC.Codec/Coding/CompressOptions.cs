using HiFiC.Codec.Networks;

namespace HiFiC.Codec.Coding;

/// <summary>How to compress one image.</summary>
public sealed record CompressOptions
{
    /// <summary>Continuous rate t in [0, levels-1]: 0 = lo, 1 = mi, 2 = hi for three-level models.</summary>
    public double Rate { get; init; } = 1.0;
    /// <summary>Tile edge in pixels (multiple of 64, 64..4096). Larger tiles cost a little less margin compute; smaller ones bound memory and speed up region restores.</summary>
    public int TileSize { get; init; } = 512;
    /// <summary>Pixels of real neighbourhood the encoder sees around each tile, so tile latents match whole-image latents.</summary>
    public const int DefaultEncoderMargin = 64;
    public int EncoderMargin { get; init; } = DefaultEncoderMargin;
    /// <summary>
    /// Steps of encoder-side latent refinement (<see cref="LatentRefiner"/>): better quality at about the
    /// same size, for encode time (each step costs about a training step per tile). 0 = off. The file
    /// decodes with any decoder.
    /// </summary>
    public int RefineSteps { get; init; }
    public const int MaxRefineSteps = 1000;
    /// <summary>
    /// Refinement back-propagates through the generator over a whole tile context, so its memory grows
    /// with the tile: a 1500x996 photo in two 1024 px tiles peaked at 2.1 GB RSS with refinement and
    /// 1.0 GB without (lite preset); 2048 px tiles would need about four times the difference. Larger
    /// tiles are refused rather than risking an out-of-memory kill mid-archive.
    /// </summary>
    public const int MaxRefineTileSize = 1024;

    public void Validate(int rateLevels)
    {
        if (TileSize < 64 || TileSize > 4096 || TileSize % 64 != 0)
            throw new ArgumentException($"Tile size must be a multiple of 64 between 64 and 4096 (got {TileSize}).");
        if (!RateGains.InRange(Rate, rateLevels))
            throw new ArgumentException($"Rate must be within {RateGains.RangeText(rateLevels)} (got {Rate}).");
        if (RefineSteps < 0 || RefineSteps > MaxRefineSteps)
            throw new ArgumentException($"Refinement steps must be between 0 and {MaxRefineSteps} (got {RefineSteps}).");
        if (RefineSteps > 0 && TileSize > MaxRefineTileSize)
            throw new ArgumentException($"Refinement needs tiles of at most {MaxRefineTileSize} px (its memory grows with the tile); got {TileSize}.");
        if (EncoderMargin < 0 || EncoderMargin % 16 != 0)
            throw new ArgumentException("Encoder margin must be a non-negative multiple of 16.");
    }
}

/// <summary>What a compression produced. Bpp is the real file size x 8 / pixels.</summary>
public sealed record CompressResult(
    int Width, int Height, int Tiles, long Bytes, double Bpp, double EstimatedBits, long HeaderBytes,
    string LatentHash, TimeSpan Elapsed)
{
    /// <summary>Estimated size: the model's bits plus the container's exactly known framing.</summary>
    public double EstimatedBpp => (EstimatedBits + HeaderBytes * 8.0) / ((double)Width * Height);
    /// <summary>Refinement steps run per tile (0 = none).</summary>
    public int RefineSteps { get; init; }
    /// <summary>Tiles refined, and of those the tiles whose guard kept the plain encoder's latent (step 0).</summary>
    public int RefinedTiles { get; init; }
    public int TilesKeptPlain { get; init; }
}
