using System.Buffers.Binary;
using System.Security.Cryptography;
using HiFiC.Codec.Format;

namespace HiFiC.Codec.Coding.Split;

/// <summary>
/// One encoded tile on its way from the process that encoded it to the one that assembles the
/// file (the cluster keeps it in scratch storage in between). Self-describing and self-checking,
/// so a part that was truncated, mixed up with another tile's or written by another format
/// version is refused before it is copied into a .hific:
/// <code>
/// "HTP2" | tile index (int32 LE) | z length (int32 LE) | y length (int32 LE) | z | y | SHA-256 of everything before (32 bytes)
/// </code>
/// The magic's digit is the .hific format version whose stream layout the part's streams have
/// ("HTP1": single-state rANS, "HTP2": interleaved), so a part from a build of another version is
/// refused rather than copied into a file whose header says otherwise.
/// </summary>
public static class TilePart
{
    private static ReadOnlySpan<byte> Magic => "HTP2"u8;
    private const int HeaderBytes = 16;
    private const int HashBytes = 32;

    public static byte[] Write(int tile, HificTilePayload payload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tile);
        var bytes = new byte[HeaderBytes + payload.Z.Length + payload.Y.Length + HashBytes];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), tile);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), payload.Z.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), payload.Y.Length);
        payload.Z.CopyTo(bytes, HeaderBytes);
        payload.Y.CopyTo(bytes, HeaderBytes + payload.Z.Length);
        int body = bytes.Length - HashBytes;
        SHA256.HashData(bytes.AsSpan(0, body), bytes.AsSpan(body));
        return bytes;
    }

    /// <summary>The payload of tile <paramref name="expectedTile"/>; <see cref="TilePartException"/> when the bytes are not that, intact.</summary>
    public static HificTilePayload Read(ReadOnlySpan<byte> bytes, int expectedTile)
    {
        if (bytes.Length >= 4 && bytes[..3].SequenceEqual("HTP"u8) && bytes[3] != Magic[3])
            throw new TilePartException($"tile {expectedTile}: the part was written with the streams of another format version ({(char)bytes[3]}, this build writes {(char)Magic[3]}); encode the tile again");
        if (bytes.Length < HeaderBytes + HashBytes || !bytes[..4].SequenceEqual(Magic))
            throw new TilePartException($"tile {expectedTile}: not a tile part (too short or wrong magic)");
        int body = bytes.Length - HashBytes;
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(bytes[..body], hash);
        if (!hash.SequenceEqual(bytes[body..]))
            throw new TilePartException($"tile {expectedTile}: the part's checksum does not match its bytes (damaged)");
        int tile = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        int z = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int y = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (tile != expectedTile)
            throw new TilePartException($"tile {expectedTile}: the part holds tile {tile}");
        if (z < 0 || y < 0 || (long)HeaderBytes + z + y != body)
            throw new TilePartException($"tile {expectedTile}: stream lengths do not add up");
        return new HificTilePayload(bytes.Slice(HeaderBytes, z).ToArray(), bytes.Slice(HeaderBytes + z, y).ToArray());
    }

    /// <summary>SHA-256 of a whole part (lowercase hex): what a coordinator records so that assembly takes exactly the part it counted.</summary>
    public static string Sha256(ReadOnlySpan<byte> part) => Convert.ToHexStringLower(SHA256.HashData(part));
}
