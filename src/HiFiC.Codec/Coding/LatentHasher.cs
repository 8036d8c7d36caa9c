using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HiFiC.Codec.Coding;

/// <summary>
/// SHA-256 over every tile's z then y symbols (int32 little-endian, raster tile order). Encoder
/// and decoder compute it the same way, so equal hashes prove bit-exact latents.
/// </summary>
public sealed class LatentHasher : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Append(int[] zSymbols, int[] ySymbols)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        hash.AppendData(MemoryMarshal.AsBytes(zSymbols.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(ySymbols.AsSpan()));
    }

    public string Finish() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public void Dispose() => hash.Dispose();
}
