namespace HiFiC.Codec.Coding.Split;

/// <summary>A tile part is damaged, belongs to another tile, or is not the one expected. Re-encoding the tile is the only cure.</summary>
public sealed class TilePartException(string message) : IOException(message);
