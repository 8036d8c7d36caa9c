using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HiFiC.Codec.Imaging;

namespace HiFiC.Codec.Metrics;

// The RgbImage overload: the same measure as the tensor overload on float64 tensors, computed in managed
// code. The rate-distortion benchmark scores thousands of decodes: conv2d in float64 took 10-12 s (about
// 10 s of CPU) on a 2048x1365 image, this path takes about 0.12 s of CPU time for it.
public static partial class MsSsim
{
    // TensorImage.ToTensor holds byte v as the float32 v / 255f; the same value widened to double keeps this
    // path on exactly the inputs the tensor path sees (v / 255.0 would differ by up to ~3e-8 relative).
    private static readonly double[] UnitOfByte = Enumerable.Range(0, 256).Select(i => (double)(i / 255f)).ToArray();

    // Below this many pixels one thread does all three channels: starting workers would cost more than it saves.
    private const long ParallelMinPixels = 1 << 16;

    /// <summary>
    /// MS-SSIM of two 8-bit RGB images (data range 255), mean over R, G and B: the tensor overload's measure
    /// (same scales, window, constants and small-image <see cref="Plan"/>), computed in double precision with
    /// separable filtering in managed code. It agrees with the tensor overload on float64 tensors to rounding
    /// (~1e-13). Channels run on up to two threads; each is computed on its own and the three are summed in
    /// a fixed order, so the result does not depend on the thread count.
    /// </summary>
    public static double Compute(RgbImage a, RgbImage b)
    {
        Psnr.SameSize(a, b);
        var (levels, window, sigma) = Plan(Math.Min(a.Width, a.Height));
        double[] g = GaussianWindow(window, sigma);
        double[] weights = LevelWeights(levels);

        var perChannel = new double[3];
        int threads = (long)a.Width * a.Height >= ParallelMinPixels ? Math.Min(2, Environment.ProcessorCount) : 1;
        if (threads > 1)
            Parallel.For(0, 3, new ParallelOptions { MaxDegreeOfParallelism = threads },
                c => perChannel[c] = ChannelMsSsim(a, b, c, g, weights));
        else
            for (int c = 0; c < 3; c++)
                perChannel[c] = ChannelMsSsim(a, b, c, g, weights);
        return (perChannel[0] + perChannel[1] + perChannel[2]) / 3;
    }

    /// <summary>MS-SSIM of one channel: product over the scales of relu(cs) (relu(ssim) at the coarsest) ^ weight.</summary>
    private static double ChannelMsSsim(RgbImage a, RgbImage b, int channel, double[] g, double[] weights)
    {
        // Data range 1 on [0,1] values, as the tensor path (constants computed the same way, bit for bit).
        const double dataRange = 1.0;
        double c1 = Math.Pow(K1 * dataRange, 2), c2 = Math.Pow(K2 * dataRange, 2);
        int levels = weights.Length, w = a.Width, h = a.Height;
        var pool = ArrayPool<double>.Shared;
        double[]? x = null, y = null; // the current scale's planes (w*h); null at scale 0, read from the bytes
        double product = 1;
        try
        {
            for (int level = 0; level < levels; level++)
            {
                bool coarsest = level == levels - 1;
                int nw = (w + 1) / 2, nh = (h + 1) / 2;
                double[]? nextX = coarsest ? null : pool.Rent(nw * nh), nextY = coarsest ? null : pool.Rent(nw * nh);
                var source = new ScaleSource(a, b, channel, x, y);
                var (ssim, cs) = Scale(source, w, h, g, c1, c2, nextX, nextY);
                product *= Math.Pow(Math.Max(coarsest ? ssim : cs, 0), weights[level]); // ReLU, then the power
                if (x is not null) pool.Return(x);
                if (y is not null) pool.Return(y);
                (x, y, w, h) = (nextX, nextY, nw, nh);
            }
        }
        finally
        {
            if (x is not null) pool.Return(x);
            if (y is not null) pool.Return(y);
        }
        return product;
    }

    /// <summary>Rows of one scale: channel <c>Channel</c> of the byte images at scale 0, the pooled planes after.</summary>
    private readonly record struct ScaleSource(RgbImage A, RgbImage B, int Channel, double[]? X, double[]? Y)
    {
        public void Fill(int row, int width, Span<double> x, Span<double> y)
        {
            if (X is not null)
            {
                X.AsSpan(row * width, width).CopyTo(x);
                Y!.AsSpan(row * width, width).CopyTo(y);
                return;
            }
            double[] unit = UnitOfByte;
            ReadOnlySpan<byte> ra = A.Row(row), rb = B.Row(row);
            x = x[..width];
            y = y[..width];
            for (int i = 0, s = Channel; i < x.Length; i++, s += 3)
            {
                x[i] = unit[ra[s]];
                y[i] = unit[rb[s]];
            }
        }
    }

    /// <summary>
    /// Mean SSIM and mean contrast-structure of one scale (valid filtering: (w-n+1) x (h-n+1) values), and, where
    /// <paramref name="nextX"/> is given, the 2x2-average-pooled planes of the next scale. Input rows are read once,
    /// in order, into a ring of n rows; each output row is filtered along the columns from that ring, then along
    /// the row, and turned into SSIM terms at once: no image-sized intermediate maps.
    /// </summary>
    private static (double Ssim, double Cs) Scale(in ScaleSource source, int w, int h, double[] g, double c1, double c2,
        double[]? nextX, double[]? nextY)
    {
        int n = g.Length, vc = Vector<double>.Count;
        int stride = (w + vc - 1) / vc * vc; // ring rows padded to whole vectors; the padding is never read back
        int outW = w - n + 1, outH = h - n + 1;
        Debug.Assert(outW >= 1 && outH >= 1, "Plan keeps the window inside the image");
        Debug.Assert(nextX is null || n >= 2, "pooling reads the previous row from the ring");

        var pool = ArrayPool<double>.Shared;
        double[] ringX = pool.Rent(n * stride), ringY = pool.Rent(n * stride), columns = pool.Rent(5 * stride);
        try
        {
            Array.Clear(ringX, 0, n * stride);
            Array.Clear(ringY, 0, n * stride);
            int nw = (w + 1) / 2, oddRows = h & 1;
            double ssimSum = 0, csSum = 0;
            int read = 0;
            for (int r = 0; r < outH; r++)
            {
                for (; read < r + n; read++)
                {
                    int slot = read % n;
                    Span<double> rx = ringX.AsSpan(slot * stride, w), ry = ringY.AsSpan(slot * stride, w);
                    source.Fill(read, w, rx, ry);
                    // Output row k of the pooling averages input rows 2k - oddRows and 2k - oddRows + 1 (row -1 is
                    // the zero padding): it is complete once its lower row is read.
                    if (nextX is not null && ((read + oddRows) & 1) == 1)
                    {
                        int k = (read + oddRows) >> 1, prev = (read - 1 + n) % n;
                        bool hasTop = read > 0;
                        PoolRow(hasTop ? ringX.AsSpan(prev * stride, w) : default, rx, nextX.AsSpan(k * nw, nw));
                        PoolRow(hasTop ? ringY.AsSpan(prev * stride, w) : default, ry, nextY.AsSpan(k * nw, nw));
                    }
                }
                FilterColumns(ringX, ringY, stride, r % n, g, columns);
                var (ssim, cs) = FilterRowAndScore(columns, stride, outW, g, c1, c2);
                ssimSum += ssim;
                csSum += cs;
            }
            Debug.Assert(read == h, "every input row feeds the pooling");
            double count = (double)outW * outH;
            return (ssimSum / count, csSum / count);
        }
        finally
        {
            pool.Return(ringX);
            pool.Return(ringY);
            pool.Return(columns);
        }
    }

    /// <summary>
    /// 2x2 average pooling of one pair of rows as <c>avg_pool2d(kernel 2, stride 2, padding w % 2,
    /// count_include_pad)</c>: output m averages columns 2m - w%2 and 2m - w%2 + 1, padding counts as zero and
    /// the divisor is always 4. Sums are taken in torch's order (upper row first, left to right).
    /// </summary>
    private static void PoolRow(ReadOnlySpan<double> top, ReadOnlySpan<double> bottom, Span<double> dst)
    {
        int oddCols = bottom.Length & 1, m = 0;
        if (oddCols == 1) // column -1 is padding
        {
            double s = 0;
            if (!top.IsEmpty) s += top[0];
            s += bottom[0];
            dst[0] = s / 4;
            m = 1;
        }
        if (top.IsEmpty)
            for (int l = 2 * m - oddCols; m < dst.Length; m++, l += 2)
            {
                double s = 0;
                s += bottom[l];
                s += bottom[l + 1];
                dst[m] = s / 4;
            }
        else
            for (int l = 2 * m - oddCols; m < dst.Length; m++, l += 2)
            {
                double s = 0;
                s += top[l];
                s += top[l + 1];
                s += bottom[l];
                s += bottom[l + 1];
                dst[m] = s / 4;
            }
    }

    /// <summary>
    /// Vertical pass over the whole (padded) width: from the n ring rows starting at slot <paramref name="first"/>,
    /// E[x], E[y], E[x^2], E[y^2] and E[xy] under the window, into the five rows of <paramref name="columns"/>.
    /// </summary>
    private static void FilterColumns(double[] ringX, double[] ringY, int stride, int first, double[] g, double[] columns)
    {
        int n = g.Length, vc = Vector<double>.Count;
        Span<int> offsets = stackalloc int[n];
        for (int k = 0; k < n; k++)
            offsets[k] = (first + k) % n * stride;

        ref double rx = ref MemoryMarshal.GetArrayDataReference(ringX);
        ref double ry = ref MemoryMarshal.GetArrayDataReference(ringY);
        ref double gw = ref MemoryMarshal.GetArrayDataReference(g);
        ref double outRef = ref MemoryMarshal.GetArrayDataReference(columns);
        Debug.Assert(ringX.Length >= n * stride && ringY.Length >= n * stride && columns.Length >= 5 * stride);
        int j = 0;
        // Two vectors of columns per step: ten independent accumulation chains keep the FMA units busy
        // (one vector's five chains of n dependent adds are latency-bound).
        for (; j <= stride - 2 * vc; j += 2 * vc)
        {
            Vector<double> mx0 = default, my0 = default, sxx0 = default, syy0 = default, sxy0 = default;
            Vector<double> mx1 = default, my1 = default, sxx1 = default, syy1 = default, sxy1 = default;
            for (int k = 0; k < n; k++)
            {
                var gk = new Vector<double>(Unsafe.Add(ref gw, k));
                nuint o = (nuint)(offsets[k] + j);
                Vector<double> x0 = Vector.LoadUnsafe(ref rx, o), y0 = Vector.LoadUnsafe(ref ry, o);
                Vector<double> x1 = Vector.LoadUnsafe(ref rx, o + (nuint)vc), y1 = Vector.LoadUnsafe(ref ry, o + (nuint)vc);
                Vector<double> gx0 = gk * x0, gy0 = gk * y0, gx1 = gk * x1, gy1 = gk * y1;
                mx0 += gx0;
                my0 += gy0;
                mx1 += gx1;
                my1 += gy1;
                sxx0 = Vector.MultiplyAddEstimate(gx0, x0, sxx0);
                syy0 = Vector.MultiplyAddEstimate(gy0, y0, syy0);
                sxy0 = Vector.MultiplyAddEstimate(gx0, y0, sxy0);
                sxx1 = Vector.MultiplyAddEstimate(gx1, x1, sxx1);
                syy1 = Vector.MultiplyAddEstimate(gy1, y1, syy1);
                sxy1 = Vector.MultiplyAddEstimate(gx1, y1, sxy1);
            }
            mx0.StoreUnsafe(ref outRef, (nuint)j);
            my0.StoreUnsafe(ref outRef, (nuint)(stride + j));
            sxx0.StoreUnsafe(ref outRef, (nuint)(2 * stride + j));
            syy0.StoreUnsafe(ref outRef, (nuint)(3 * stride + j));
            sxy0.StoreUnsafe(ref outRef, (nuint)(4 * stride + j));
            mx1.StoreUnsafe(ref outRef, (nuint)(j + vc));
            my1.StoreUnsafe(ref outRef, (nuint)(stride + j + vc));
            sxx1.StoreUnsafe(ref outRef, (nuint)(2 * stride + j + vc));
            syy1.StoreUnsafe(ref outRef, (nuint)(3 * stride + j + vc));
            sxy1.StoreUnsafe(ref outRef, (nuint)(4 * stride + j + vc));
        }
        for (; j < stride; j += vc) // stride is a multiple of vc
        {
            Vector<double> mx = default, my = default, sxx = default, syy = default, sxy = default;
            for (int k = 0; k < n; k++)
            {
                var gk = new Vector<double>(Unsafe.Add(ref gw, k));
                nuint o = (nuint)(offsets[k] + j);
                Vector<double> x = Vector.LoadUnsafe(ref rx, o), y = Vector.LoadUnsafe(ref ry, o);
                Vector<double> gx = gk * x, gy = gk * y;
                mx += gx;
                my += gy;
                sxx = Vector.MultiplyAddEstimate(gx, x, sxx);
                syy = Vector.MultiplyAddEstimate(gy, y, syy);
                sxy = Vector.MultiplyAddEstimate(gx, y, sxy);
            }
            mx.StoreUnsafe(ref outRef, (nuint)j);
            my.StoreUnsafe(ref outRef, (nuint)(stride + j));
            sxx.StoreUnsafe(ref outRef, (nuint)(2 * stride + j));
            syy.StoreUnsafe(ref outRef, (nuint)(3 * stride + j));
            sxy.StoreUnsafe(ref outRef, (nuint)(4 * stride + j));
        }
    }

    /// <summary>
    /// Horizontal pass (valid, <paramref name="outW"/> outputs) of the five column-filtered rows, then the SSIM
    /// terms of each output pixel: returns the row's sums of SSIM and of contrast-structure.
    /// </summary>
    private static (double Ssim, double Cs) FilterRowAndScore(double[] columns, int stride, int outW, double[] g, double c1, double c2)
    {
        int n = g.Length, vc = Vector<double>.Count;
        ref double gw = ref MemoryMarshal.GetArrayDataReference(g);
        ref double mxRow = ref MemoryMarshal.GetArrayDataReference(columns);
        ref double myRow = ref Unsafe.Add(ref mxRow, stride);
        ref double xxRow = ref Unsafe.Add(ref mxRow, 2 * stride);
        ref double yyRow = ref Unsafe.Add(ref mxRow, 3 * stride);
        ref double xyRow = ref Unsafe.Add(ref mxRow, 4 * stride);
        // The last vector reads up to index outW - 1 + n - 1 = w - 1 < stride of each row.
        Debug.Assert(columns.Length >= 5 * stride && outW + n - 1 <= stride);

        var vc1 = new Vector<double>(c1);
        var vc2 = new Vector<double>(c2);
        Vector<double> ssimAcc = default, csAcc = default;
        int j = 0;
        for (; j <= outW - vc; j += vc)
        {
            Vector<double> mx = default, my = default, exx = default, eyy = default, exy = default;
            for (int k = 0; k < n; k++)
            {
                var gk = new Vector<double>(Unsafe.Add(ref gw, k));
                nuint o = (nuint)(j + k);
                mx = Vector.MultiplyAddEstimate(gk, Vector.LoadUnsafe(ref mxRow, o), mx);
                my = Vector.MultiplyAddEstimate(gk, Vector.LoadUnsafe(ref myRow, o), my);
                exx = Vector.MultiplyAddEstimate(gk, Vector.LoadUnsafe(ref xxRow, o), exx);
                eyy = Vector.MultiplyAddEstimate(gk, Vector.LoadUnsafe(ref yyRow, o), eyy);
                exy = Vector.MultiplyAddEstimate(gk, Vector.LoadUnsafe(ref xyRow, o), exy);
            }
            // As the tensor path: sigma^2 = E[x^2] - mu^2, cs = (2 sigma_xy + C2) / (sigma_x^2 + sigma_y^2 + C2),
            // l = (2 mu_x mu_y + C1) / (mu_y^2 + mu_x^2 + C1), ssim = l * cs.
            Vector<double> s1 = exx - mx * mx, s2 = eyy - my * my, s12 = exy - mx * my;
            Vector<double> cs = (s12 * 2 + vc2) / (s1 + s2 + vc2);
            Vector<double> mxy = mx * my;
            Vector<double> lum = (mxy * 2 + vc1) / (my * my + mx * mx + vc1);
            ssimAcc += lum * cs;
            csAcc += cs;
        }
        double ssimSum = Vector.Sum(ssimAcc), csSum = Vector.Sum(csAcc);
        for (; j < outW; j++) // the last few outputs (and whole rows narrower than a vector)
        {
            double mx = 0, my = 0, exx = 0, eyy = 0, exy = 0;
            for (int k = 0; k < n; k++)
            {
                double gk = Unsafe.Add(ref gw, k);
                mx += gk * Unsafe.Add(ref mxRow, j + k);
                my += gk * Unsafe.Add(ref myRow, j + k);
                exx += gk * Unsafe.Add(ref xxRow, j + k);
                eyy += gk * Unsafe.Add(ref yyRow, j + k);
                exy += gk * Unsafe.Add(ref xyRow, j + k);
            }
            double s1 = exx - mx * mx, s2 = eyy - my * my, s12 = exy - mx * my;
            double cs = (s12 * 2 + c2) / (s1 + s2 + c2);
            double lum = (mx * my * 2 + c1) / (my * my + mx * mx + c1);
            ssimSum += lum * cs;
            csSum += cs;
        }
        return (ssimSum, csSum);
    }
}
