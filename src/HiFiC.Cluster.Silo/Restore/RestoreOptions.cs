using HiFiC.Codec.Imaging;

namespace HiFiC.Cluster.Silo.Restore;

/// <summary>Bound from "HiFiC:Restore": what one restore may cost a silo.</summary>
public sealed class RestoreOptions
{
    public const string Section = "HiFiC:Restore";

    /// <summary>Largest restore (whole image or region) in pixels, checked against the size in the
    /// .hific header before anything is decoded. Default: the largest image one decode can hold.
    /// A caller's own smaller limit (the web host's MaxRestorePixels) comes with the request.</summary>
    public long MaxPixels { get; set; } = RgbImage.MaxPixels;

    /// <summary>Longest one restore may run; past it the decode is stopped between tiles and the caller told so.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}
