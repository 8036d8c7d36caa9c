using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Format;

/// <summary>
/// Body of the metadata section (type 2, optional): the source's EXIF, XMP, IPTC and ICC profile.
/// Layout (docs/format.md): u8 version (1), u8 entry count, then per entry u8 kind, u8 coding
/// (0 stored, 1 raw Deflate), varint raw length, varint stored length, u32 CRC-32 of the raw
/// bytes, the stored bytes. The directory's CRC-32 covers the body as stored; the per-entry CRC
/// covers what inflating gives back. Unknown kinds are skipped; a newer version is ignored whole
/// (the pixels do not depend on it).
/// </summary>
internal static class HificMetadataSection
{
    public const byte Version = 1;
    public const byte Exif = 1, Xmp = 2, Iptc = 3, Icc = 4;
    private const byte Stored = 0, Deflated = 1;

    public static byte[] Encode(ImageMetadataSet metadata)
    {
        var entries = new List<(byte Kind, byte[] Raw)>();
        if (metadata.Exif is { } exif) entries.Add((Exif, exif));
        if (metadata.Xmp is { } xmp) entries.Add((Xmp, xmp));
        if (metadata.Iptc is { } iptc) entries.Add((Iptc, iptc));
        if (metadata.Icc is { } icc) entries.Add((Icc, icc));

        using var body = new MemoryStream();
        body.WriteByte(Version);
        body.WriteByte((byte)entries.Count);
        Span<byte> scratch = stackalloc byte[5];
        foreach (var (kind, raw) in entries)
        {
            var packed = Deflate(raw);
            bool deflated = packed.Length < raw.Length;
            var stored = deflated ? packed : raw;
            body.WriteByte(kind);
            body.WriteByte(deflated ? Deflated : Stored);
            body.Write(scratch[..HificVarint.Write(scratch, (uint)raw.Length)]);
            body.Write(scratch[..HificVarint.Write(scratch, (uint)stored.Length)]);
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, Crc32.HashToUInt32(raw));
            body.Write(scratch[..4]);
            body.Write(stored);
        }
        return body.ToArray();
    }

    /// <summary>The metadata, or null when the body's version is newer than this build reads.</summary>
    /// <exception cref="HificFormatException">The body breaks a rule of version 1.</exception>
    public static ImageMetadataSet? Decode(byte[] body, long maxRawBytes)
    {
        if (body.Length < 2) throw new HificFormatException($"metadata section is {body.Length} bytes; it needs at least 2");
        if (body[0] == 0) throw new HificFormatException("metadata section version 0 is invalid");
        if (body[0] > Version) return null;
        int count = body[1], p = 2;
        var blocks = new byte[]?[Icc + 1];
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            if (p + 2 > body.Length) throw Truncated(i);
            byte kind = body[p], coding = body[p + 1];
            p += 2;
            uint rawLength = Varint(body, ref p, i), storedLength = Varint(body, ref p, i);
            if (p + 4 > body.Length) throw Truncated(i);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(p));
            p += 4;
            if (storedLength > body.Length - p) throw Truncated(i);
            if (coding > Deflated) throw new HificFormatException($"metadata entry {i} has coding {coding}, which is invalid (0 stored, 1 Deflate)");
            total += rawLength;
            if (rawLength == 0 || total > maxRawBytes)
                throw new HificFormatException($"metadata entry {i} is {rawLength} bytes; entries must be 1 byte or more and {maxRawBytes} bytes in all");
            var stored = body.AsSpan(p, (int)storedLength);
            p += (int)storedLength;
            if (kind is 0 or > Icc) continue; // a kind added later: skipped by its length
            if (blocks[kind] is not null) throw new HificFormatException($"metadata entry {i} repeats kind {kind}");
            var raw = coding == Stored ? Exact(stored, rawLength, i) : Inflate(stored, rawLength, i);
            if (Crc32.HashToUInt32(raw) != crc)
                throw new HificFormatException($"metadata entry {i} (kind {kind}) checksum mismatch: its bytes are corrupt");
            blocks[kind] = raw;
        }
        if (p != body.Length) throw new HificFormatException($"{body.Length - p} unexpected bytes after the last metadata entry");
        var set = new ImageMetadataSet(blocks[Exif], blocks[Xmp], blocks[Iptc], blocks[Icc]);
        return set;
    }

    private static HificFormatException Truncated(int entry) => new($"metadata entry {entry} is truncated");

    private static uint Varint(byte[] body, ref int p, int entry)
    {
        uint value = 0;
        int n = p >= body.Length ? 0 : HificVarint.TryRead(body.AsSpan(p), out value);
        if (n <= 0) throw new HificFormatException($"metadata entry {entry} has an invalid length");
        p += n;
        return value;
    }

    private static byte[] Exact(ReadOnlySpan<byte> stored, uint rawLength, int entry) =>
        stored.Length == rawLength ? stored.ToArray() : throw new HificFormatException($"metadata entry {entry} is stored with {stored.Length} bytes but says {rawLength}");

    private static byte[] Deflate(byte[] raw)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(raw);
        return buffer.ToArray();
    }

    private static byte[] Inflate(ReadOnlySpan<byte> stored, uint rawLength, int entry)
    {
        // Deflate never expands beyond 1032:1, so a claim above that is refused before allocating.
        if (rawLength > ((long)stored.Length * HificLayout.DeflateMaxRatio) + 1024)
            throw new HificFormatException($"metadata entry {entry} claims {rawLength} bytes from {stored.Length} deflated bytes, which is impossible");
        var raw = new byte[rawLength];
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(stored.ToArray()), CompressionMode.Decompress);
            int filled = 0;
            while (filled < raw.Length)
            {
                int n = deflate.Read(raw, filled, raw.Length - filled);
                if (n == 0) throw new HificFormatException($"metadata entry {entry} inflates to {filled} bytes but says {rawLength}");
                filled += n;
            }
            if (deflate.ReadByte() >= 0) throw new HificFormatException($"metadata entry {entry} inflates to more than the {rawLength} bytes it says");
        }
        catch (InvalidDataException e)
        {
            throw new HificFormatException($"metadata entry {entry} is not valid Deflate data: {e.Message}", e);
        }
        return raw;
    }
}
