using System.Buffers.Binary;
using HiFiC.Codec.Format;

namespace HiFiC.Cluster.Silo.Codec;

/// <summary>One encoded tile between the silo that encoded it and the one that assembles the file: z and y streams, length-prefixed.</summary>
internal static class TilePart
{
    public static byte[] Write(HificTilePayload payload)
    {
        var bytes = new byte[8 + payload.Z.Length + payload.Y.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, payload.Z.Length);
        payload.Z.CopyTo(bytes, 4);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 + payload.Z.Length), payload.Y.Length);
        payload.Y.CopyTo(bytes, 8 + payload.Z.Length);
        return bytes;
    }

    public static HificTilePayload Read(byte[] bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("tile part too short");
        int z = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (z < 0 || 8L + z > bytes.Length) throw new InvalidDataException("tile part damaged");
        int y = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 + z));
        if (y < 0 || 8L + z + y != bytes.Length) throw new InvalidDataException("tile part damaged");
        return new HificTilePayload(bytes.AsSpan(4, z).ToArray(), bytes.AsSpan(8 + z, y).ToArray());
    }
}
