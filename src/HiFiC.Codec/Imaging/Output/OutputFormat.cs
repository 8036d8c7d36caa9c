namespace HiFiC.Codec.Imaging.Output;

/// <summary>The formats a restored image can be written in.</summary>
public enum OutputFormat
{
    Png,
    Jpeg,
    Webp,
}
