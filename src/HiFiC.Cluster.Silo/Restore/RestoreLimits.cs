using HiFiC.Cluster.Contracts.Restore;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Codec.Format;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>
/// The size checks of a restore, made on the file's own header (a manifest is only a description
/// beside it and may disagree): the region must lie inside the image, and the pixels to decode must
/// be within the smaller of the silo's and the caller's limit.
/// </summary>
public static class RestoreLimits
{
    /// <summary>The header of <paramref name="bitstream"/>, once the request fits it.</summary>
    /// <exception cref="RestoreLimitException">The region or the pixel count is over a limit.</exception>
    /// <exception cref="CodecInputException">The bytes are not a readable .hific file.</exception>
    public static HificHeader Check(byte[] bitstream, RestoreRequest request, long siloMaxPixels)
    {
        HificHeader header;
        try
        {
            using var reader = HificReader.Open(bitstream);
            header = reader.Header;
        }
        catch (HificFormatException e)
        {
            throw new CodecInputException($"cannot decode: {e.Message}", e);
        }

        long limit = request.MaxPixels > 0 ? Math.Min(request.MaxPixels, siloMaxPixels) : siloMaxPixels;
        if (request.Region is { } r)
        {
            if (r.X < 0 || r.Y < 0 || r.Width <= 0 || r.Height <= 0 || (long)r.X + r.Width > header.Width || (long)r.Y + r.Height > header.Height)
                throw new RestoreLimitException($"region {r.X},{r.Y},{r.Width},{r.Height} lies outside the image ({header.Width}x{header.Height})");
            long pixels = (long)r.Width * r.Height;
            if (pixels > limit)
                throw new RestoreLimitException($"region of {pixels} pixels is larger than the limit of {limit}");
        }
        else
        {
            long pixels = (long)header.Width * header.Height;
            if (pixels > limit)
                throw new RestoreLimitException($"the image ({header.Width}x{header.Height}) has {pixels} pixels, more than the limit of {limit}: ask for a region");
        }
        return header;
    }
}
