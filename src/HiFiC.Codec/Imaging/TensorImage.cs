using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace HiFiC.Codec.Imaging;

/// <summary>
/// Conversions between <see cref="RgbImage"/> and planar float tensors [1,3,h,w] in [0,1].
/// The pixel loops run on spans over the tensors' memory: per-pixel tensor indexing would take
/// minutes on a 50-megapixel image.
/// </summary>
public static class TensorImage
{
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(i => i / 255f).ToArray();

    public static Tensor ToTensor(RgbImage img) => ToTensor(img, img.Bounds);

    /// <summary>
    /// [1,3,h,w] float32 in [0,1] of <paramref name="region"/>; where the region reaches beyond the image,
    /// edge pixels are replicated (tiles are padded to multiples of 64 and given context margins this way).
    /// </summary>
    public static Tensor ToTensor(RgbImage img, PixelRect region)
    {
        ArgumentNullException.ThrowIfNull(img);
        if (region.IsEmpty)
            throw new ArgumentException($"region {region} is empty", nameof(region));
        int w = region.Width, h = region.Height;
        // Byte offset of each output column's source pixel, clamped to the image: edge replication.
        var srcX = new int[w];
        for (int x = 0; x < w; x++)
            srcX[x] = Math.Clamp(region.X + x, 0, img.Width - 1) * 3;

        // Written in place, band by band through contiguous per-channel views: no managed copy of the
        // whole image, and no single Span over more than a few MB.
        Tensor result = empty(new long[] { 1, 3, h, w }, ScalarType.Float32);
        float[] lut = ByteToUnit;
        using Tensor rc = result[0, 0], gc = result[0, 1], bc = result[0, 2];
        int bandRows = Math.Max(1, (1 << 20) / w);
        for (int y0 = 0; y0 < h; y0 += bandRows)
        {
            int rows = Math.Min(bandRows, h - y0);
            using Tensor rv = rc.narrow(0, y0, rows), gv = gc.narrow(0, y0, rows), bv = bc.narrow(0, y0, rows);
            Span<float> r = Floats(rv), g = Floats(gv), b = Floats(bv);
            for (int y = 0; y < rows; y++)
            {
                ReadOnlySpan<byte> row = img.Row(Math.Clamp(region.Y + y0 + y, 0, img.Height - 1));
                int o = y * w;
                for (int x = 0; x < w; x++)
                {
                    int s = srcX[x];
                    r[o + x] = lut[row[s]];
                    g[o + x] = lut[row[s + 1]];
                    b[o + x] = lut[row[s + 2]];
                }
            }
        }
        return result;
    }

    private static Span<float> Floats(Tensor contiguousView) => MemoryMarshal.Cast<byte, float>(contiguousView.bytes);

    /// <summary>A new image holding round(clamp(t*255)) of a [1,3,h,w] or [3,h,w] tensor.</summary>
    public static RgbImage ToImage(Tensor t)
    {
        var (h, w) = Size(t);
        var img = new RgbImage(w, h);
        CopyToImage(t, PixelRect.FromSize(w, h), img, 0, 0);
        return img;
    }

    /// <summary>
    /// Writes round(clamp(t*255, 0, 255)) of the area <paramref name="srcRegion"/> of <paramref name="t"/>
    /// ([1,3,h,w] or [3,h,w], nominally in [0,1], any float dtype or device) into <paramref name="dst"/>
    /// at (<paramref name="dstX"/>, <paramref name="dstY"/>). NaN is written as 0.
    /// </summary>
    public static void CopyToImage(Tensor t, PixelRect srcRegion, RgbImage dst, int dstX, int dstY)
    {
        ArgumentNullException.ThrowIfNull(dst);
        var (h, w) = Size(t);
        if (srcRegion.IsEmpty || !PixelRect.FromSize(w, h).Contains(srcRegion))
            throw new ArgumentOutOfRangeException(nameof(srcRegion), srcRegion, $"must be non-empty and inside the {w}x{h} tensor");
        var dstRect = new PixelRect(dstX, dstY, srcRegion.Width, srcRegion.Height);
        if (!dst.Bounds.Contains(dstRect))
            throw new ArgumentOutOfRangeException(nameof(dstX), dstRect, $"destination must lie inside the {dst.Width}x{dst.Height} image");

        using var outer = NewDisposeScope(); // frees the [3,h,w] view taken of a 4-d t
        Tensor chw = t.dim() == 4 ? t[0] : t;
        int rw = srcRegion.Width;
        // Bands of rows bound the float copy to ~16 MB, however large the image (a Span over one
        // whole 50-megapixel float tensor would also overflow int).
        int bandRows = Math.Max(1, (4 << 20) / (3 * rw));
        for (int y0 = 0; y0 < srcRegion.Height; y0 += bandRows)
        {
            using var scope = NewDisposeScope();
            int rows = Math.Min(bandRows, srcRegion.Height - y0);
            Tensor band = chw.detach().narrow(1, srcRegion.Y + y0, rows).narrow(2, srcRegion.X, rw)
                .to_type(ScalarType.Float32).cpu().contiguous();
            ReadOnlySpan<float> planar = Floats(band);
            int plane = rw * rows;
            for (int y = 0; y < rows; y++)
            {
                ReadOnlySpan<float> r = planar.Slice(y * rw, rw), g = planar.Slice(plane + y * rw, rw), b = planar.Slice(2 * plane + y * rw, rw);
                Span<byte> row = dst.Pixels.AsSpan(((dstY + y0 + y) * dst.Width + dstX) * 3, rw * 3);
                for (int x = 0, i = 0; x < rw; x++, i += 3)
                {
                    row[i] = Quantise(r[x]);
                    row[i + 1] = Quantise(g[x]);
                    row[i + 2] = Quantise(b[x]);
                }
            }
        }
    }

    // round(clamp(v * 255, 0, 255)) with torch.round's half-to-even; NaN fails both comparisons and maps to 0.
    private static byte Quantise(float v)
    {
        v *= 255f;
        return v >= 0f ? v <= 255f ? (byte)MathF.Round(v) : (byte)255 : (byte)0;
    }

    private static (int H, int W) Size(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        bool ok = (t.dim() == 4 && t.shape[0] == 1 && t.shape[1] == 3) || (t.dim() == 3 && t.shape[0] == 3);
        if (!ok)
            throw new ArgumentException($"expected a [1,3,h,w] or [3,h,w] tensor, got [{string.Join(",", t.shape)}]", nameof(t));
        return ((int)t.shape[^2], (int)t.shape[^1]);
    }
}
