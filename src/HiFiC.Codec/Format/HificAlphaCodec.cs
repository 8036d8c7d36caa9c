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

    /// <summary>Inflates the plane of an imageWidth x imageHeight image and returns only the
    /// rectangle (x, y, width, height). Memory is the rectangle plus one row; the whole stream is
    /// still inflated, so a plane of the wrong length is refused whatever the rectangle.</summary>
    public static byte[] Decompress(byte[] compressed, int imageWidth, int imageHeight, int x, int y, int width, int height)
    {
        long pixels = (long)imageWidth * imageHeight;
        var region = new byte[(long)width * height];
        var row = new byte[imageWidth];
        long filled = 0;
        try
        {
            using var deflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            for (int r = 0; r < imageHeight; r++)
            {
                int got = 0;
                while (got < imageWidth)
                {
                    int n = deflate.Read(row, got, imageWidth - got);
                    if (n == 0)
                        throw new HificFormatException($"alpha section decompresses to {filled + got} bytes but the image has {pixels} pixels");
                    got += n;
                }

                filled += imageWidth;
                if (r >= y && r < y + height)
                    Array.Copy(row, x, region, (long)(r - y) * width, width);
            }

            if (deflate.ReadByte() >= 0)
                throw new HificFormatException($"alpha section decompresses to more than the image's {pixels} pixels");
        }
        catch (InvalidDataException e)
        {
            throw new HificFormatException($"alpha section is not valid Deflate data: {e.Message}", e);
        }

        return region;
    }
}
