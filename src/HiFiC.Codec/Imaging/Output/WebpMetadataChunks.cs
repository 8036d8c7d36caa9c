using System.Buffers.Binary;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Imaging.Output;

/// <summary>
/// Puts metadata into an encoded WebP: the file becomes the extended form (a VP8X chunk with the
/// ICC/EXIF/XMP flags) with ICCP before the image data and EXIF and "XMP " after it, in the order
/// the WebP container specification gives. IPTC has no WebP chunk; it travels only where the XMP
/// carries it.
/// </summary>
public static class WebpMetadataChunks
{
    private const byte IccFlag = 0x20, AlphaFlag = 0x10, ExifFlag = 0x08, XmpFlag = 0x04;

    public static byte[] Insert(byte[] webp, ImageMetadataSet metadata)
    {
        ArgumentNullException.ThrowIfNull(webp);
        ArgumentNullException.ThrowIfNull(metadata);
        if (webp.Length < 20 || !webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !webp.AsSpan(8, 4).SequenceEqual("WEBP"u8))
            throw new ArgumentException("not a WebP file", nameof(webp));
        if (metadata.Icc is null && metadata.Exif is null && metadata.Xmp is null) return webp;

        var chunks = new List<(string Type, byte[] Body)>();
        for (int at = 12; at + 8 <= webp.Length;)
        {
            var type = System.Text.Encoding.ASCII.GetString(webp, at, 4);
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(at + 4));
            if (size < 0 || at + 8L + size > webp.Length) throw new ArgumentException("WebP chunk runs past the end", nameof(webp));
            chunks.Add((type, webp.AsSpan(at + 8, size).ToArray()));
            at += 8 + size + (size & 1);
        }
        byte flags = 0;
        int width, height;
        var vp8x = chunks.FirstOrDefault(c => c.Type == "VP8X").Body;
        if (vp8x is not null)
        {
            flags = vp8x[0];
            width = 1 + (vp8x[4] | vp8x[5] << 8 | vp8x[6] << 16);
            height = 1 + (vp8x[7] | vp8x[8] << 8 | vp8x[9] << 16);
        }
        else
        {
            (width, height, bool alpha) = SimpleSize(chunks);
            if (alpha) flags |= AlphaFlag;
        }
        var image = chunks.Where(c => c.Type is not ("VP8X" or "ICCP" or "EXIF" or "XMP ")).ToList();
        if (metadata.Icc is not null) flags |= IccFlag;
        if (metadata.Exif is not null) flags |= ExifFlag;
        if (metadata.Xmp is not null) flags |= XmpFlag;

        using var body = new MemoryStream(webp.Length + (int)Math.Min(int.MaxValue / 2, metadata.Bytes + 64));
        body.Write("WEBP"u8);
        var header = new byte[10];
        header[0] = flags;
        WriteUInt24(header.AsSpan(4), width - 1);
        WriteUInt24(header.AsSpan(7), height - 1);
        Chunk(body, "VP8X", header);
        if (metadata.Icc is { } icc) Chunk(body, "ICCP", icc);
        foreach (var (type, b) in image) Chunk(body, type, b);
        if (metadata.Exif is { } exif) Chunk(body, "EXIF", exif);
        if (metadata.Xmp is { } xmp) Chunk(body, "XMP ", xmp);

        var result = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)body.Length);
        body.ToArray().CopyTo(result, 8);
        return result;
    }

    /// <summary>Canvas size of a simple (VP8 or VP8L) file, and whether it has alpha (VP8L's flag bit).</summary>
    private static (int Width, int Height, bool Alpha) SimpleSize(List<(string Type, byte[] Body)> chunks)
    {
        var (type, b) = chunks.FirstOrDefault(c => c.Type is "VP8 " or "VP8L");
        if (type == "VP8 " && b.Length >= 10)
            return (BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(6)) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)) & 0x3FFF, false);
        if (type == "VP8L" && b.Length >= 5)
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(1));
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, ((bits >> 28) & 1) == 1);
        }
        throw new ArgumentException("WebP without a VP8 or VP8L image chunk");
    }

    private static void WriteUInt24(Span<byte> to, int v)
    {
        to[0] = (byte)v; to[1] = (byte)(v >> 8); to[2] = (byte)(v >> 16);
    }

    private static void Chunk(Stream output, string type, byte[] body)
    {
        output.Write(System.Text.Encoding.ASCII.GetBytes(type));
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)body.Length);
        output.Write(size);
        output.Write(body);
        if ((body.Length & 1) == 1) output.WriteByte(0);
    }
}
