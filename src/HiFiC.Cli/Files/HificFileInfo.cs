namespace HiFiC.Cli.Files;

/// <summary>What `hific info` reports (also its --json shape).</summary>
public sealed record HificFileInfo(string File, long FileBytes, int FormatVersion, string ModelId, string ModelDigest, int Width, int Height,
    int SourceChannels, int SourceBitDepth, bool HasAlpha, int TileSize, int Tiles, int TilesX, int TilesY, float Rate, double Bpp,
    int? RefineSteps, IReadOnlyList<string> Metadata, string? MetadataError);
