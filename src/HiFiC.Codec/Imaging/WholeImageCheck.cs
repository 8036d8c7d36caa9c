using System.Buffers.Binary;

namespace HiFiC.Codec.Imaging;

/// <summary>
/// Says, from a file's container structure alone (no pixel is decoded), when the codec cannot
/// represent the file whole: an animation (GIF with more than one frame, APNG, animated WebP), a
/// TIFF with more than one page, or CMYK (JPEG or TIFF: the loader's CMYK to RGB conversion is not
/// colour-managed). The loader would silently keep one frame or shift colours; archives store such
/// files as they are instead. Unknown or damaged structure says nothing (the decoder judges it).
/// </summary>
public static class WholeImageCheck
{
    /// <summary>Why the file cannot be coded whole, or null when it can.</summary>
    public static string? Reason(ReadOnlySpan<byte> file)
    {
        try
        {
            if (file.StartsWith("GIF87a"u8) || file.StartsWith("GIF89a"u8)) return Gif(file);
            if (file.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png(file);
            if (file.Length >= 12 && file.StartsWith("RIFF"u8) && file[8..12].SequenceEqual("WEBP"u8)) return Webp(file);
            if (file.StartsWith("II*\0"u8) || file.StartsWith("MM\0*"u8)) return Tiff(file);
            if (file.Length >= 2 && file[0] == 0xFF && file[1] == 0xD8) return Jpeg(file);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Truncated structure: not our call.
        }
        return null;
    }

    private static string? Gif(ReadOnlySpan<byte> f)
    {
        int p = 13;
        if (f.Length < p) return null;
        if ((f[10] & 0x80) != 0) p += 3 << ((f[10] & 7) + 1);
        int frames = 0;
        while (p < f.Length)
        {
            switch (f[p])
            {
                case 0x21: // extension: label, then sub-blocks
                    p = SkipSubBlocks(f, p + 2);
                    break;
                case 0x2C: // image descriptor, optional local colour table, LZW code size, sub-blocks
                    if (++frames > 1) return "animated GIF (more than one frame): the codec would keep only the first";
                    if (p + 10 > f.Length) return null;
                    byte packed = f[p + 9];
                    p += 10;
                    if ((packed & 0x80) != 0) p += 3 << ((packed & 7) + 1);
                    p = SkipSubBlocks(f, p + 1);
                    break;
                default: // trailer (0x3B) or damage
                    return null;
            }
        }
        return null;
    }

    private static int SkipSubBlocks(ReadOnlySpan<byte> f, int p)
    {
        while (p < f.Length && f[p] != 0) p += f[p] + 1;
        return p + 1;
    }

    private static string? Png(ReadOnlySpan<byte> f)
    {
        int p = 8;
        while (p + 8 <= f.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(f[p..]);
            var type = f.Slice(p + 4, 4);
            if (type.SequenceEqual("acTL"u8)) return "animated PNG (APNG): the codec would keep only the default image";
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8) || length > int.MaxValue) return null; // acTL must precede IDAT
            p += 12 + (int)length;
        }
        return null;
    }

    private static string? Webp(ReadOnlySpan<byte> f)
    {
        int p = 12;
        while (p + 8 <= f.Length)
        {
            var type = f.Slice(p, 4);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(f[(p + 4)..]);
            if (type.SequenceEqual("VP8X"u8) && p + 9 <= f.Length && (f[p + 8] & 0x02) != 0 || type.SequenceEqual("ANIM"u8) || type.SequenceEqual("ANMF"u8))
                return "animated WebP: the codec would keep only the first frame";
            if (length > int.MaxValue) return null;
            p += 8 + (int)length + (int)(length & 1);
        }
        return null;
    }

    private static string? Tiff(ReadOnlySpan<byte> f)
    {
        bool little = f[0] == 'I';
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        ushort U16(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
        uint ifd = U32(f[4..]);
        if (ifd < 8 || ifd + 2 > f.Length) return null;
        int count = U16(f[(int)ifd..]);
        for (int i = 0; i < count; i++)
        {
            var e = f.Slice((int)ifd + 2 + (12 * i), 12);
            // PhotometricInterpretation 5: separated (CMYK).
            if (U16(e) == 262 && U16(e[8..]) == 5) return "CMYK TIFF: the loader's CMYK to RGB conversion is not colour-managed";
        }
        uint next = U32(f[((int)ifd + 2 + (12 * count))..]);
        return next != 0 ? "multi-page TIFF: the codec would keep only the first page" : null;
    }

    private static string? Jpeg(ReadOnlySpan<byte> f)
    {
        int p = 2;
        while (p + 4 <= f.Length)
        {
            if (f[p] != 0xFF) return null;
            byte marker = f[p + 1];
            if (marker == 0xFF) { p++; continue; }
            if (marker is 0xD9 or 0xDA) return null;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { p += 2; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(f[(p + 2)..]);
            // Start of frame (C0..CF except DHT C4, JPG C8, DAC CC): precision, height, width, components.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return p + 9 < f.Length && f[p + 9] == 4 ? "CMYK JPEG: the loader's CMYK to RGB conversion is not colour-managed" : null;
            p += 2 + length;
        }
        return null;
    }
}
