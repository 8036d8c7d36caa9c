using System.Globalization;
using HiFiC.Codec.Imaging;

namespace HiFiC.Cli.Settings;

/// <summary>--region x,y,w,h: the part of the image to restore, in pixels of the original.</summary>
public static class RegionParser
{
    public const string Syntax = "x,y,w,h (pixels, e.g. 0,0,512,512)";

    public static bool TryParse(string text, out PixelRect region, out string error)
    {
        region = default;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4)
        {
            error = $"--region '{text}' must be four integers {Syntax}.";
            return false;
        }
        var values = new int[4];
        for (int i = 0; i < 4; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
            {
                error = $"--region '{text}': '{parts[i]}' is not an integer; expected {Syntax}.";
                return false;
            }
        }
        if (values[0] < 0 || values[1] < 0)
        {
            error = $"--region '{text}': x and y must be 0 or more; expected {Syntax}.";
            return false;
        }
        if (values[2] <= 0 || values[3] <= 0)
        {
            error = $"--region '{text}': width and height must be positive; expected {Syntax}.";
            return false;
        }
        region = new PixelRect(values[0], values[1], values[2], values[3]);
        error = "";
        return true;
    }

    /// <summary>The image size is only known from the file's header, so this is checked per file.</summary>
    public static void CheckInside(PixelRect region, int width, int height)
    {
        if (!PixelRect.FromSize(width, height).Contains(region))
            throw new RegionOutsideImageException(
                $"region {region.X},{region.Y},{region.Width},{region.Height} is not inside the {width}x{height} image");
    }
}

/// <summary>A valid region that does not fit this particular image: a per-file failure, not a usage error.</summary>
public sealed class RegionOutsideImageException(string message) : Exception(message);
