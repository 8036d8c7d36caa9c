using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using HiFiC.Codec.Format;

namespace HiFiC.Codec.Tests.Format;

/// <summary>Builds bytes of the current format version (set Version for others) straight from docs/format.md, independently of HificWriter, with
/// every field settable to hostile values and the header checksum recomputed (so tests reach the
/// field checks rather than stopping at the checksum).</summary>
internal sealed class RawHificFile
{
    public byte[] Magic = [0x89, (byte)'H', (byte)'F', (byte)'C', 0x0D, 0x0A, 0x1A, 0x0A];
    public ushort Version = HificHeader.FormatVersion;
    public byte[] ModelId = Encoding.UTF8.GetBytes("hific-lite-mi");
    public int? ModelIdLengthOverride;
    public byte[] Digest = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
    public uint Width = 300;
    public uint Height = 200;
    public byte Channels = 3;
    public byte BitDepth = 8;
    public byte ColorFlags;
    public byte ColorSpace;
    public float Rate = 0.5f;
    public ushort Latent = 220;
    public ushort Hyper = 320;
    public ushort TileSize = 128;
    public List<(ushort RawType, byte[] Body)> Sections = [];
    public int? SectionCountOverride;

    /// <summary>Tile payloads; the index is derived from them unless <see cref="IndexOverride"/> is set.</summary>
    public List<(byte[] Z, byte[] Y)> Tiles = [];
    public byte[]? IndexOverride;
    public bool FixChecksum = true;
    public byte[] Trailing = [];

    public static RawHificFile WithTiles(uint width, uint height, ushort tileSize, int seed = 1)
    {
        var rng = new Random(seed);
        int count = (int)(((width + tileSize - 1) / tileSize) * ((height + tileSize - 1) / tileSize));
        var file = new RawHificFile { Width = width, Height = height, TileSize = tileSize };
        for (int i = 0; i < count; i++)
            file.Tiles.Add((Bytes(rng, rng.Next(1, 40)), Bytes(rng, rng.Next(1, 300))));
        return file;
    }

    public void AddAlpha(byte[] plane)
    {
        ColorFlags |= 1;
        Sections.Add((1, Deflate(plane)));
    }

    public static byte[] Deflate(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            d.Write(data);
        return ms.ToArray();
    }

    public static byte[] Bytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    public static void Varint(BinaryWriter w, uint v)
    {
        for (; v >= 0x80; v >>= 7)
            w.Write((byte)(v | 0x80));
        w.Write((byte)v);
    }

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms); // always little-endian, as the spec is
        w.Write(Magic);
        w.Write(Version);
        w.Write((byte)(ModelIdLengthOverride ?? ModelId.Length));
        w.Write(ModelId);
        w.Write(Digest);
        w.Write(Width);
        w.Write(Height);
        w.Write(Channels);
        w.Write(BitDepth);
        w.Write(ColorFlags);
        w.Write(ColorSpace);
        w.Write(Rate);
        w.Write(Latent);
        w.Write(Hyper);
        w.Write(TileSize);
        w.Write((byte)(SectionCountOverride ?? Sections.Count));
        foreach (var (type, body) in Sections)
        {
            w.Write(type);
            w.Write((uint)body.Length);
            w.Write(Crc32.HashToUInt32(body));
        }

        if (IndexOverride is not null)
            w.Write(IndexOverride);
        else
            foreach (var (z, y) in Tiles)
            {
                Varint(w, (uint)z.Length);
                Varint(w, (uint)y.Length);
                w.Write(Crc32.HashToUInt32([.. z, .. y]));
            }

        w.Flush();
        uint crc = Crc32.HashToUInt32(ms.ToArray());
        w.Write(FixChecksum ? crc : ~crc);
        foreach (var (_, body) in Sections)
            w.Write(body);
        foreach (var (z, y) in Tiles)
        {
            w.Write(z);
            w.Write(y);
        }

        w.Write(Trailing);
        w.Flush();
        return ms.ToArray();
    }
}
