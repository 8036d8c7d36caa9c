using System.Globalization;
using System.Text;

namespace HiFiC.Codec.Imaging.Metadata;

/// <summary>
/// ImageMagick's "Raw profile type NAME" text chunks, the form exiftool and ImageMagick read IPTC
/// from in PNG files (PNG has no IPTC chunk): "\nNAME\n" + the length right-aligned in 8 columns +
/// "\n" + the bytes in hex, 72 digits a line.
/// </summary>
public static class PngTextProfile
{
    public static string Encode(string name, byte[] data)
    {
        var text = new StringBuilder(data.Length * 2 + data.Length / 36 + 32);
        text.Append('\n').Append(name).Append('\n').Append(data.Length.ToString(CultureInfo.InvariantCulture).PadLeft(8)).Append('\n');
        for (int i = 0; i < data.Length; i += 36)
            text.Append(Convert.ToHexStringLower(data, i, Math.Min(36, data.Length - i))).Append('\n');
        return text.ToString();
    }

    /// <summary>The bytes of a raw profile, or null when the text is not one (or is damaged).</summary>
    public static byte[]? Decode(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || !int.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length <= 0)
            return null;
        var hex = string.Concat(lines.Skip(2));
        if (hex.Length != length * 2) return null;
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
    }
}
