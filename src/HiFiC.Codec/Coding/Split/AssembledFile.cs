using HiFiC.Codec.Format;

namespace HiFiC.Codec.Coding.Split;

/// <summary>A .hific assembled from tile parts: the bytes a single <see cref="HificEncoder.Compress"/> writes, and their latent hash.</summary>
public sealed record AssembledFile(byte[] Bytes, HificHeader Header, int Tiles, string LatentHash)
{
    public double Bpp => Bytes.Length * 8.0 / ((double)Header.Width * Header.Height);
}
