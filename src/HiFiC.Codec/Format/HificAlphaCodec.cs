using System.IO.Compression;

namespace HiFiC.Codec.Format;

/// <summary>Alpha plane as raw Deflate: lossless (alpha edges matter) and usually tiny, since most
/// planes are runs of 255. No zlib/gzip wrapper: the section already has its own CRC-32.</summary>
internal static class HificAlphaCodec
{
    public static byte[] Compress(byte[] alpha)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(alpha);
        return buffer.ToArray();
    }

    public static byte[] Decompress(byte[] compressed, int pixels)
    {
        var plane = new byte[pixels];
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            int filled = 0;
            while (filled < pixels)
            {
                int n = deflate.Read(plane, filled, pixels - filled);
                if (n == 0)
                    throw new HificFormatException($"alpha section decompresses to {filled} bytes but the image has {pixels} pixels");
                filled += n;
            }

            if (deflate.ReadByte() >= 0)
                throw new HificFormatException($"alpha section decompresses to more than the image's {pixels} pixels");
        }
        catch (InvalidDataException e)
        {
            throw new HificFormatException($"alpha section is not valid Deflate data: {e.Message}", e);
        }

        return plane;
    }
}
