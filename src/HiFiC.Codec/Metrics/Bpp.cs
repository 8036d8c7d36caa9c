namespace HiFiC.Codec.Metrics;

/// <summary>Bits per pixel: the rate measure used in the HiFiC paper (counting the whole file).</summary>
public static class Bpp
{
    public static double FromBytes(long bytes, int width, int height)
    {
        if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "must be non-negative");
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        return bytes * 8.0 / ((long)width * height);
    }
}
