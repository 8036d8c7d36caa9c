using HiFiC.Cluster.Silo.Codec;

namespace HiFiC.Cluster.Silo.Work;

/// <summary>The decompression-bomb check on an image's header size, before decoding or splitting.</summary>
public static class ImageSizeGuard
{
    /// <exception cref="CodecInputException">The image claims more than <paramref name="maxPixels"/> pixels.</exception>
    public static void Check(ImageShape shape, long maxPixels)
    {
        if (shape.Pixels > maxPixels)
            throw new CodecInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"image is {shape.Width}x{shape.Height} ({shape.Pixels:N0} pixels), over the limit of {maxPixels:N0} (HiFiC:Worker:MaxImagePixels); refused before decoding"));
    }
}
