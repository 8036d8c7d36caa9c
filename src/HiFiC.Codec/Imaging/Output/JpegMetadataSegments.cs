using System.Buffers.Binary;
using System.Text;
using HiFiC.Codec.Imaging.Metadata;

namespace HiFiC.Codec.Imaging.Output;

/// <summary>
/// Puts metadata into an encoded JPEG as the usual APPn segments right after SOI/APP0: APP1 Exif
/// (the raw block), APP1 XMP, APP2 ICC_PROFILE (split in numbered chunks) and APP13 Photoshop 8BIM
/// 0x0404 (IPTC). A segment holds at most 65,533 bytes: EXIF or XMP larger than one segment
/// (Extended XMP is not written) is left out rather than cut.
/// </summary>
public static class JpegMetadataSegments
{
    private const int MaxSegmentBody = 65533;
    private static readonly byte[] ExifId = "Exif\0\0"u8.ToArray();
    private static readonly byte[] XmpId = Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0");
    private static readonly byte[] IccId = "ICC_PROFILE\0"u8.ToArray();
    private static readonly byte[] PhotoshopId = "Photoshop 3.0\0"u8.ToArray();

    public static byte[] Insert(byte[] jpeg, ImageMetadataSet metadata)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        ArgumentNullException.ThrowIfNull(metadata);
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("not a JPEG", nameof(jpeg));
        // After SOI and a JFIF APP0 if there is one: Exif readers expect APP1 early, and JFIF first.
        int at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0) at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));

        using var output = new MemoryStream(jpeg.Length + (int)Math.Min(int.MaxValue / 2, metadata.Bytes + 1024));
        output.Write(jpeg, 0, at);
        if (metadata.Exif is { } exif && ExifId.Length + exif.Length <= MaxSegmentBody)
            Segment(output, 0xE1, [.. ExifId, .. exif]);
        if (metadata.Xmp is { } xmp && XmpId.Length + xmp.Length <= MaxSegmentBody)
            Segment(output, 0xE1, [.. XmpId, .. xmp]);
        if (metadata.Icc is { } icc)
        {
            int per = MaxSegmentBody - IccId.Length - 2;
            int count = (icc.Length + per - 1) / per;
            if (count is > 0 and <= 255)
                for (int i = 0; i < count; i++)
                    Segment(output, 0xE2, [.. IccId, (byte)(i + 1), (byte)count, .. icc.AsSpan(i * per, Math.Min(per, icc.Length - i * per))]);
        }
        if (metadata.Iptc is { } iptc && PhotoshopId.Length + 12 + iptc.Length + 1 <= MaxSegmentBody)
        {
            var resource = new MemoryStream();
            resource.Write(PhotoshopId);
            resource.Write("8BIM"u8);
            resource.Write([0x04, 0x04, 0, 0]); // resource id 0x0404, empty Pascal name padded to even
            Span<byte> size = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(size, (uint)iptc.Length);
            resource.Write(size);
            resource.Write(iptc);
            if (iptc.Length % 2 == 1) resource.WriteByte(0);
            Segment(output, 0xED, resource.ToArray());
        }
        output.Write(jpeg, at, jpeg.Length - at);
        return output.ToArray();
    }

    private static void Segment(Stream output, byte marker, byte[] body)
    {
        output.WriteByte(0xFF);
        output.WriteByte(marker);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(body.Length + 2));
        output.Write(length);
        output.Write(body);
    }
}
