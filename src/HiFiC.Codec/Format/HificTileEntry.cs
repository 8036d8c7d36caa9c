namespace HiFiC.Codec.Format;

/// <summary>Where one tile lives in the file. <paramref name="Offset"/> is from the start of the
/// file and points at the z stream; the y stream follows it directly.</summary>
/// <param name="Crc32">CRC-32 (IEEE) of the tile's z bytes followed by its y bytes.</param>
public sealed record HificTileEntry(long Offset, int ZLength, int YLength, uint Crc32)
{
    public long Length => (long)ZLength + YLength;

    public long End => Offset + Length;
}
