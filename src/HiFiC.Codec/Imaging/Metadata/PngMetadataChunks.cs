using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// Puts metadata into an encoded PNG as chunks right after IHDR: iCCP (the ICC profile, zlib),
/// eXIf (the raw EXIF block), iTXt "XML:com.adobe.xmp" (XMP, uncompressed as the XMP spec asks)
/// and zTXt "Raw profile type iptc" (IPTC, the form exiftool and ImageMagick read). Written here
/// rather than through ImageSharp 2.1's encoder, which has no iCCP or IPTC writer and re-serialises
/// EXIF (dropping its thumbnail).
/// </summary>
public static class PngMetadataChunks
{
    private const int SignatureBytes = 8;

    public static byte[] Insert(byte[] png, ImageMetadataSet metadata)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.IsEmpty) return png;
        if (png.Length < SignatureBytes + 25 || !png.AsSpan(12, 4).SequenceEqual("IHDR"u8))
            throw new ArgumentException("not a PNG that starts with IHDR", nameof(png));
        int afterHeader = SignatureBytes + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(SignatureBytes));

        using var output = new MemoryStream(png.Length + (int)Math.Min(int.MaxValue / 2, metadata.Bytes * 2) + 256);
        output.Write(png, 0, afterHeader);
        if (metadata.Icc is { } icc)
            Chunk(output, "iCCP", [.. Latin1("ICC profile"), 0, 0, .. Zlib(icc)]);
        if (metadata.Exif is { } exif)
            Chunk(output, "eXIf", exif);
        if (metadata.Xmp is { } xmp)
            Chunk(output, "iTXt", [.. Latin1("XML:com.adobe.xmp"), 0, 0, 0, 0, 0, .. xmp]);
        if (metadata.Iptc is { } iptc)
            Chunk(output, "zTXt", [.. Latin1("Raw profile type iptc"), 0, 0, .. Zlib(Encoding.Latin1.GetBytes(PngTextProfile.Encode("iptc", iptc)))]);
        output.Write(png, afterHeader, png.Length - afterHeader);
        return output.ToArray();
    }

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[] Zlib(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(data);
        return buffer.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)body.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(body);
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
