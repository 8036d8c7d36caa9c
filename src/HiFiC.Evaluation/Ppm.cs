using System.Text;
using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>
/// Binary 8-bit PPM (P6), the raw format cjpeg reads and djpeg/dwebp/djxl write. Read here rather
/// than through ImageSharp: its PBM decoder (2.1.13) goes on skipping whitespace (and then '#'
/// "comments" up to the next 0x0A byte) after the maxval, so an image whose first samples are such
/// bytes comes back misaligned — seen as a 5 dB "PSNR" on a real dwebp output starting 0x20 0x23.
/// The format allows exactly one whitespace byte there.
/// </summary>
public static class Ppm
{
    public static void Write(string path, RgbImage image)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Encoding.ASCII.GetBytes($"P6\n{image.Width} {image.Height}\n255\n"));
        file.Write(image.Pixels);
    }

    public static RgbImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int pos = 0;
        if (bytes.Length < 2 || bytes[0] != 'P' || bytes[1] != '6')
            throw new InvalidDataException($"{path} is not a binary PPM (P6).");
        pos = 2;
        int width = Number(bytes, ref pos, path), height = Number(bytes, ref pos, path), maxval = Number(bytes, ref pos, path);
        if (maxval != 255) throw new InvalidDataException($"{path}: maxval {maxval}; only 8-bit PPM (255) is supported.");
        pos++; // exactly one whitespace byte ends the header; the next byte is pixel data even if it is a space
        long length = (long)width * height * 3;
        if (width <= 0 || height <= 0 || bytes.Length - pos < length)
            throw new InvalidDataException($"{path}: {width}x{height} PPM is truncated ({bytes.Length - pos} of {length} raster bytes).");
        return new RgbImage(width, height, bytes.AsSpan(pos, (int)length).ToArray());
    }

    // A header token: skips whitespace and # comments before it, stops on the byte after it.
    private static int Number(byte[] b, ref int pos, string path)
    {
        while (pos < b.Length && (char.IsWhiteSpace((char)b[pos]) || b[pos] == '#'))
        {
            if (b[pos] == '#') while (pos < b.Length && b[pos] != '\n') pos++;
            else pos++;
        }
        int start = pos, value = 0;
        while (pos < b.Length && b[pos] is >= (byte)'0' and <= (byte)'9' && pos - start < 9) value = value * 10 + (b[pos++] - '0');
        if (pos == start) throw new InvalidDataException($"{path}: malformed PPM header.");
        return value;
    }
}
