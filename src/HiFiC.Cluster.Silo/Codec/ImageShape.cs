namespace HiFiC.Cluster.Silo.Codec;

public sealed record ImageShape(int Width, int Height, int Tiles)
{
    public long Pixels => (long)Width * Height;
}
