using System.Text;
using System.Text.RegularExpressions;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>Sets tiff:Orientation in an XMP packet to 1, as <see cref="ExifOrientation"/> does for EXIF (viewers read either).</summary>
public static partial class XmpOrientation
{
    // Attribute form (tiff:Orientation="6") and element form (<tiff:Orientation>6</tiff:Orientation>).
    [GeneratedRegex("""(tiff:Orientation\s*=\s*["'])[0-9]+(["'])|(<tiff:Orientation>\s*)[0-9]+(\s*</tiff:Orientation>)""")]
    private static partial Regex Orientation();

    public static byte[] Reset(byte[] xmp)
    {
        ArgumentNullException.ThrowIfNull(xmp);
        string text;
        try { text = new UTF8Encoding(false, true).GetString(xmp); }
        catch (DecoderFallbackException) { return xmp; } // not UTF-8: carried as it is
        if (!Orientation().IsMatch(text)) return xmp;
        var reset = Orientation().Replace(text, m => m.Groups[1].Success ? m.Groups[1].Value + "1" + m.Groups[2].Value : m.Groups[3].Value + "1" + m.Groups[4].Value);
        // A byte-order mark decodes to U+FEFF and encodes back to the same three bytes.
        return Encoding.UTF8.GetBytes(reset);
    }
}
