using HiFiC.Codec.Imaging;

namespace HiFiC.Cli.Results;

/// <summary>One restored image (or region) written as PNG.</summary>
public sealed record DecompressedFile(string Name, string Output, long InputBytes, long OutputBytes, PixelRect Region, int ImageWidth, int ImageHeight, string ModelId, TimeSpan Elapsed)
{
    public long Pixels => Region.Area;
}
