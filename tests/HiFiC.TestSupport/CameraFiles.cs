using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace HiFiC.TestSupport;

/// <summary>
/// Camera-style test files made here with ImageSharp (shared by the codec and cluster tests):
/// a JPEG with EXIF (camera, date, GPS, exposure, orientation), XMP, IPTC and an embedded Display P3
/// ICC profile; a tiny heavily compressed JPEG; an animated GIF.
/// </summary>
public static class CameraFiles
{
    public const string Make = "Canon", Model = "EOS R5", DateTimeOriginal = "2024:05:17 10:31:02", Creator = "Ada Lovelace", City = "Paris", Keyword = "harbour";

    /// <summary>A JPEG as a phone or camera writes it. Orientation 6 means "rotate 90° clockwise to view".</summary>
    public static byte[] Jpeg(int width, int height, int quality = 92, ushort orientation = 6, int seed = 1)
    {
        using var image = Photo(width, height, seed);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Make, Make);
        exif.SetValue(ExifTag.Model, Model);
        exif.SetValue(ExifTag.DateTimeOriginal, DateTimeOriginal);
        exif.SetValue(ExifTag.Orientation, orientation);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(48, 1), new Rational(51, 1), new Rational(2958, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(2, 1), new Rational(17, 1), new Rational(4020, 100)]);
        exif.SetValue(ExifTag.ExposureTime, new Rational(1, 250));
        exif.SetValue(ExifTag.FNumber, new Rational(28, 10));
        exif.SetValue(ExifTag.ISOSpeedRatings, [(ushort)400]);
        image.Metadata.ExifProfile = exif;
        image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(Xmp(orientation)));
        var iptc = new IptcProfile();
        iptc.SetValue(IptcTag.Keywords, Keyword);
        iptc.SetValue(IptcTag.City, City);
        image.Metadata.IptcProfile = iptc;
        image.Metadata.IccProfile = new IccProfile(DisplayP3());
        using var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg, new JpegEncoder { Quality = quality });
        return jpeg.ToArray();
    }

    /// <summary>A small JPEG at the lowest quality and without metadata: a few hundred bytes that no learned codec beats.</summary>
    public static byte[] TinyJpeg(int size = 16)
    {
        using var image = Photo(size, size, 3);
        using var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg, new JpegEncoder { Quality = 1 });
        return jpeg.ToArray();
    }

    /// <summary>A smooth picture (no noise) saved as JPEG at a very low quality: about 0.1 bits per pixel.</summary>
    public static byte[] SmoothJpeg(int width, int height, int quality)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(40 + 150 * x / width), (byte)(60 + 120 * y / height), (byte)(200 - 100 * (x + y) / (width + height)));
        using var jpeg = new MemoryStream();
        image.SaveAsJpeg(jpeg, new JpegEncoder { Quality = quality });
        return jpeg.ToArray();
    }

    /// <summary>A GIF with <paramref name="frames"/> frames of different colours.</summary>
    public static byte[] AnimatedGif(int frames, int size = 32)
    {
        using var image = new Image<Rgba32>(size, size, new Rgba32(255, 0, 0));
        for (int f = 1; f < frames; f++)
        {
            using var frame = new Image<Rgba32>(size, size, new Rgba32((byte)(80 * f), (byte)(255 - 60 * f), 40));
            image.Frames.AddFrame(frame.Frames.RootFrame);
        }
        foreach (var frame in image.Frames) frame.Metadata.GetGifMetadata().FrameDelay = 20;
        using var gif = new MemoryStream();
        image.SaveAsGif(gif);
        return gif.ToArray();
    }

    public static Image<Rgb24> Photo(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int n = rng.Next(-6, 7);
                img[x, y] = new Rgb24(Clamp(60 + 150.0 * x / width + n), Clamp(80 + 100.0 * y / height + 30 * Math.Sin(x * 0.15) + n),
                    Clamp(140 + 60 * Math.Cos((x + y) * 0.05) + n));
            }
        return img;
    }

    public static string Xmp(int orientation) =>
        "<?xpacket begin='\uFEFF' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>" +
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about=''" +
        " xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:tiff='http://ns.adobe.com/tiff/1.0/'" +
        $" tiff:Orientation='{orientation}'><dc:creator><rdf:Seq><rdf:li>{Creator}</rdf:li></rdf:Seq></dc:creator>" +
        "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";

    /// <summary>
    /// A real ICC v4 display profile for Display P3 (D65 white, P3 primaries, the sRGB tone curve),
    /// written byte by byte since ImageSharp 2.1 has no public ICC writer: 556 bytes that exiftool
    /// and colour-managed viewers read as "Display P3".
    /// </summary>
    public static byte[] DisplayP3()
    {
        var tags = new List<(string Sig, byte[] Body)>
        {
            ("desc", Mluc("Display P3")),
            ("cprt", Mluc("CC0")),
            ("wtpt", Xyz(0.964203, 1.0, 0.824905)),
            ("rXYZ", Xyz(0.515121, 0.241196, -0.001053)),
            ("gXYZ", Xyz(0.291977, 0.692245, 0.041885)),
            ("bXYZ", Xyz(0.157104, 0.066574, 0.784073)),
            ("rTRC", Para()), ("gTRC", Para()), ("bTRC", Para()),
            ("chad", Sf32(1.047882, 0.022919, -0.050201, 0.029587, 0.990479, -0.017059, -0.009232, 0.015076, 0.751678)),
        };
        int tableEnd = 128 + 4 + 12 * tags.Count;
        using var body = new MemoryStream();
        var offsets = new List<(int Offset, int Length)>();
        foreach (var (_, b) in tags)
        {
            offsets.Add((tableEnd + (int)body.Length, b.Length));
            body.Write(b);
            while (body.Length % 4 != 0) body.WriteByte(0);
        }
        var p = new byte[tableEnd + body.Length];
        var s = p.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(s, (uint)p.Length);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], 0x04300000);
        Ascii(s[12..], "mntr"); Ascii(s[16..], "RGB "); Ascii(s[20..], "XYZ ");
        ushort[] date = [2024, 1, 1, 0, 0, 0];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteUInt16BigEndian(s[(24 + 2 * i)..], date[i]);
        Ascii(s[36..], "acsp");
        Fixed(s[68..], 0.9642); Fixed(s[72..], 1.0); Fixed(s[76..], 0.8249);
        BinaryPrimitives.WriteUInt32BigEndian(s[128..], (uint)tags.Count);
        for (int i = 0; i < tags.Count; i++)
        {
            var e = s[(132 + 12 * i)..];
            Ascii(e, tags[i].Sig);
            BinaryPrimitives.WriteUInt32BigEndian(e[4..], (uint)offsets[i].Offset);
            BinaryPrimitives.WriteUInt32BigEndian(e[8..], (uint)offsets[i].Length);
        }
        body.ToArray().CopyTo(p, tableEnd);
        return p;
    }

    private static void Ascii(Span<byte> s, string v) => Encoding.ASCII.GetBytes(v).CopyTo(s);

    private static void Fixed(Span<byte> s, double v) => BinaryPrimitives.WriteInt32BigEndian(s, (int)Math.Round(v * 65536));

    private static byte[] Mluc(string text)
    {
        var t = Encoding.BigEndianUnicode.GetBytes(text);
        var b = new byte[28 + t.Length];
        Ascii(b, "mluc");
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), 12);
        Ascii(b.AsSpan(16), "enUS");
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)t.Length);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(24), 28);
        t.CopyTo(b, 28);
        return b;
    }

    private static byte[] Xyz(double x, double y, double z)
    {
        var b = new byte[20];
        Ascii(b, "XYZ ");
        Fixed(b.AsSpan(8), x); Fixed(b.AsSpan(12), y); Fixed(b.AsSpan(16), z);
        return b;
    }

    private static byte[] Sf32(params double[] v)
    {
        var b = new byte[8 + 4 * v.Length];
        Ascii(b, "sf32");
        for (int i = 0; i < v.Length; i++) Fixed(b.AsSpan(8 + 4 * i), v[i]);
        return b;
    }

    /// <summary>The sRGB curve as ICC parametric type 3: Y = (aX + b)^g above d, cX below.</summary>
    private static byte[] Para()
    {
        double[] g = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045];
        var b = new byte[12 + 4 * g.Length];
        Ascii(b, "para");
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(8), 3);
        for (int i = 0; i < g.Length; i++) Fixed(b.AsSpan(12 + 4 * i), g[i]);
        return b;
    }

    private static byte Clamp(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
}
