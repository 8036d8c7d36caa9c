using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// Finds the raw EXIF block (and PNG's ICC profile and IPTC text profile) in a file's container structure without
/// decoding pixels: JPEG APP1 "Exif", PNG eXIf / "Raw profile type iptc", WebP "EXIF". ImageSharp
/// hands EXIF over only as a parsed profile whose re-serialisation drops IFD1 (the thumbnail) and
/// relocates maker notes, so the bytes are taken from the file instead. Walks chunk headers with
/// seeks; every length is checked against the stream and a cap, since the file is untrusted.
/// </summary>
internal static class ContainerScanner
{
    /// <summary>Largest single block taken (larger ones are left to ImageSharp's profile, or dropped).</summary>
    public const int MaxBlockBytes = 16 << 20;

    public sealed record Found(byte[]? Exif, byte[]? Iptc, byte[]? Icc = null);

    public static Found Scan(Stream s, long start)
    {
        try
        {
            var head = ReadAt(s, start, 12);
            if (head is null) return new(null, null);
            if (head[0] == 0xFF && head[1] == 0xD8) return Jpeg(s, start);
            if (head.AsSpan(0, 8).SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png(s, start);
            if (head.AsSpan(0, 4).SequenceEqual("RIFF"u8) && head.AsSpan(8, 4).SequenceEqual("WEBP"u8)) return Webp(s, start);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            // Damaged structure: metadata that cannot be read is left to ImageSharp's profiles.
        }
        return new(null, null);
    }

    private static Found Jpeg(Stream s, long start)
    {
        long p = start + 2;
        for (int segments = 0; segments < 4096; segments++)
        {
            var m = ReadAt(s, p, 4);
            if (m is null || m[0] != 0xFF) break;
            byte marker = m[1];
            if (marker == 0xFF) { p++; continue; } // fill byte
            if (marker is 0xD9 or 0xDA) break; // end of image, start of scan: no metadata follows in practice
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { p += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(2));
            if (length < 2) break;
            if (marker == 0xE1 && length > 8)
            {
                var body = ReadAt(s, p + 4, length - 2);
                if (body is not null && body.AsSpan().StartsWith("Exif\0\0"u8)) return new(body[6..], null);
            }
            p += 2 + length;
        }
        return new(null, null);
    }

    private static Found Png(Stream s, long start)
    {
        long p = start + 8;
        byte[]? exif = null, iptc = null, icc = null;
        for (int chunks = 0; chunks < 1 << 16; chunks++)
        {
            var h = ReadAt(s, p, 8);
            if (h is null) break;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(h);
            var type = Encoding.ASCII.GetString(h, 4, 4);
            if (type == "IEND" || length > int.MaxValue) break;
            if (length <= MaxBlockBytes && (type == "eXIf" && exif is null || type == "iCCP" && icc is null || type is "tEXt" or "zTXt" or "iTXt" && iptc is null))
            {
                var body = ReadAt(s, p + 8, (int)length);
                if (body is not null)
                {
                    if (type == "eXIf") exif = body;
                    // iCCP: profile name, NUL, compression method 0, zlib data (ImageSharp 2.1's PNG decoder ignores it).
                    else if (type == "iCCP" && Array.IndexOf(body, (byte)0) is var nul and > 0 && nul + 2 <= body.Length) icc = Inflate(body, nul + 2);
                    else if (PngText(type, body) is ("Raw profile type iptc", { } text)) iptc = PngTextProfile.Decode(text);
                }
            }
            p += 12 + length;
        }
        return new(exif, iptc, icc);
    }

    /// <summary>Keyword and text of a PNG text chunk.</summary>
    private static (string Keyword, string? Text) PngText(string type, byte[] body)
    {
        int nul = Array.IndexOf(body, (byte)0);
        if (nul <= 0) return ("", null);
        var keyword = Encoding.Latin1.GetString(body, 0, nul);
        if (keyword != "Raw profile type iptc") return (keyword, null); // only this one is wanted: skip inflating the rest
        switch (type)
        {
            case "tEXt":
                return (keyword, Encoding.Latin1.GetString(body, nul + 1, body.Length - nul - 1));
            case "zTXt":
                return nul + 2 <= body.Length ? (keyword, Encoding.Latin1.GetString(Inflate(body, nul + 2))) : (keyword, null);
            default: // iTXt: flag, method, language\0, translated keyword\0, text
                if (nul + 3 > body.Length) return (keyword, null);
                bool compressed = body[nul + 1] == 1;
                int lang = Array.IndexOf(body, (byte)0, nul + 3);
                int trans = lang < 0 ? -1 : Array.IndexOf(body, (byte)0, lang + 1);
                if (trans < 0) return (keyword, null);
                var data = compressed ? Inflate(body, trans + 1) : body[(trans + 1)..];
                return (keyword, Encoding.UTF8.GetString(data));
        }
    }

    private static byte[] Inflate(byte[] body, int offset)
    {
        using var z = new ZLibStream(new MemoryStream(body, offset, body.Length - offset), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = z.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            if (output.Length > MaxBlockBytes * 3L) throw new InvalidDataException("text chunk inflates beyond the metadata limit");
        }
        return output.ToArray();
    }

    private static Found Webp(Stream s, long start)
    {
        long p = start + 12;
        for (int chunks = 0; chunks < 4096; chunks++)
        {
            var h = ReadAt(s, p, 8);
            if (h is null) break;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(4));
            if (h.AsSpan(0, 4).SequenceEqual("EXIF"u8) && length <= MaxBlockBytes)
            {
                var body = ReadAt(s, p + 8, (int)length);
                // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
                if (body is not null) return new(body.AsSpan().StartsWith("Exif\0\0"u8) ? body[6..] : body, null);
            }
            p += 8 + length + (length & 1);
        }
        return new(null, null);
    }

    /// <summary>Exactly <paramref name="count"/> bytes at <paramref name="position"/>, or null past the end.</summary>
    private static byte[]? ReadAt(Stream s, long position, int count)
    {
        if (count < 0 || position < 0 || position + count > s.Length) return null;
        s.Position = position;
        var buffer = new byte[count];
        s.ReadExactly(buffer);
        return buffer;
    }
}
