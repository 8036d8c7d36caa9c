namespace HiFiC.Codec.Imaging;

/// <summary>
/// 8-bit interleaved RGB pixels, row-major with no row padding: pixel (x, y) channel c is at
/// <c>Pixels[(y * Width + x) * 3 + c]</c>. A plain array (not an ImageSharp image) so the codec,
/// the metrics and the tensor conversion can share it without pixel-format indirection.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height) : this(width, height, new byte[ByteLength(width, height)]) { }

    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        long length = ByteLength(width, height);
        if (pixels.Length != length)
            throw new ArgumentException(
                $"pixels has {pixels.Length} bytes; a {width}x{height} RGB image needs {length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    /// <summary>Bytes per row (3 * Width).</summary>
    public int Stride => Width * 3;
    public PixelRect Bounds => PixelRect.FromSize(Width, Height);

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>A copy of the region <paramref name="r"/>, which must lie inside the image.</summary>
    public RgbImage Crop(PixelRect r)
    {
        if (r.IsEmpty || !Bounds.Contains(r))
            throw new ArgumentOutOfRangeException(nameof(r), r, $"crop must be non-empty and inside the {Width}x{Height} image");
        var result = new RgbImage(r.Width, r.Height);
        for (int y = 0; y < r.Height; y++)
            Pixels.AsSpan(((r.Y + y) * Width + r.X) * 3, r.Width * 3).CopyTo(result.Row(y));
        return result;
    }

    /// <summary>Largest pixel count one RgbImage can hold (a .NET array is limited to Array.MaxLength bytes).</summary>
    public static long MaxPixels => Array.MaxLength / 3;

    private static long ByteLength(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        long pixels = (long)width * height;
        if (pixels > MaxPixels)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too large for one RgbImage");
        return pixels * 3;
    }
}
