using System.Buffers.Binary;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// Sets the Orientation tag (0x0112) of a raw EXIF block to 1 ("top-left") in place, touching no
/// other byte: the loader has already turned the pixels upright, and rewriting the whole block
/// would lose what a generic EXIF writer does not know (thumbnails, maker notes).
/// </summary>
public static class ExifOrientation
{
    public const ushort Tag = 0x0112;

    /// <summary>A copy of <paramref name="exif"/> with orientation 1, or the block itself when its orientation is 1 already or absent (or it is not TIFF-structured).</summary>
    public static byte[] Reset(byte[] exif)
    {
        ArgumentNullException.ThrowIfNull(exif);
        int at = FindValue(exif);
        if (at < 0 || Read(exif) == 1) return exif;
        var copy = (byte[])exif.Clone();
        bool little = copy[0] == (byte)'I';
        if (little) BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), 1);
        else BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), 1);
        return copy;
    }

    /// <summary>The orientation stored in IFD0 (1..8), or null when there is none.</summary>
    public static int? Read(byte[] exif)
    {
        int at = FindValue(exif);
        if (at < 0) return null;
        return exif[0] == (byte)'I' ? BinaryPrimitives.ReadUInt16LittleEndian(exif.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(exif.AsSpan(at));
    }

    /// <summary>Offset of the orientation SHORT's value in IFD0, or -1. Every offset is bounds-checked: the block comes from an untrusted file.</summary>
    private static int FindValue(byte[] b)
    {
        if (b.Length < 8) return -1;
        bool little;
        if (b[0] == 'I' && b[1] == 'I') little = true;
        else if (b[0] == 'M' && b[1] == 'M') little = false;
        else return -1;
        uint U32(int p) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(p)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(p));
        ushort U16(int p) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(p)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(p));
        if (U16(2) != 42) return -1;
        uint ifd = U32(4);
        if (ifd < 8 || ifd > b.Length - 2) return -1;
        int count = U16((int)ifd);
        for (int i = 0; i < count; i++)
        {
            long e = ifd + 2 + (12L * i);
            if (e + 12 > b.Length) return -1;
            // SHORT (type 3), one value: stored in the first two bytes of the value field.
            if (U16((int)e) == Tag && U16((int)e + 2) == 3 && U32((int)e + 4) == 1) return (int)e + 8;
        }
        return -1;
    }
}
