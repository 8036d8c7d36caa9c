namespace HiFiC.Codec.IntegerHyper;

/// <summary>What the hyper-decoder gives the y coder: a mean and a scale-table index per y element.</summary>
public sealed record HyperOutput(double[] Means, int[] Indices);

/// <summary>
/// The mean-scale hyperprior's decoder side in integer arithmetic (in the spirit of Ballé et al.
/// 2019, "Integer networks for data compression"): z symbols in, y means and scale-table indices
/// out, with no floating point on the way to an index. A float hyper-synthesis gives indices
/// that can differ by one wherever sigma lands within an ulp of a table boundary, and then the
/// rest of the stream decodes to garbage on the other machine; here every machine computes the
/// same integers, so an archive written on a GPU silo decodes on any CPU years later.
///
/// Scales: sigma = softplus(acc * s_c) + 0.11 is monotone in the accumulator acc, so the table
/// boundaries are stored as integer accumulator thresholds per channel (computed once, at export):
/// index = the number of thresholds acc reaches. Means: mu = acc * MeanScale[c], one IEEE double
/// product, the same bits everywhere. The quantized network is stored in the model's tables.bin
/// and covered by its digest.
/// </summary>
public sealed class IntegerHyperprior
{
    private const uint Magic = 0x48494648; // "HFIH"
    private const int Version = 1;

    public IntegerHyperSynthesis MeanNetwork { get; }
    public IntegerHyperSynthesis ScaleNetwork { get; }
    /// <summary>Per y channel: the real value of one accumulator unit of the mean network.</summary>
    public double[] MeanScale { get; }
    /// <summary>[channel][k], ascending in k: index = count of k with acc >= Thresholds[channel * ThresholdCount + k].</summary>
    public int[] Thresholds { get; }
    public int ThresholdCount { get; }

    public IntegerHyperprior(IntegerHyperSynthesis mean, IntegerHyperSynthesis scale, double[] meanScale, int[] thresholds, int thresholdCount)
    {
        if (mean.InChannels != scale.InChannels || mean.OutChannels != scale.OutChannels)
            throw new InvalidDataException("mean and scale networks differ in shape");
        if (meanScale.Length != mean.OutChannels || meanScale.Any(s => !double.IsFinite(s)))
            throw new InvalidDataException("bad mean scales");
        if (thresholdCount is < 1 or > 1023 || thresholds.Length != (long)thresholdCount * scale.OutChannels)
            throw new InvalidDataException("bad threshold table");
        for (int c = 0; c < scale.OutChannels; c++)
            for (int k = 1; k < thresholdCount; k++)
                if (thresholds[c * thresholdCount + k] < thresholds[c * thresholdCount + k - 1])
                    throw new InvalidDataException("thresholds must ascend");
        MeanNetwork = mean; ScaleNetwork = scale; MeanScale = meanScale; Thresholds = thresholds; ThresholdCount = thresholdCount;
    }

    public int LatentChannels => MeanNetwork.OutChannels;
    public int HyperLatentChannels => MeanNetwork.InChannels;

    /// <summary>Means and indices for y ([C][4zh][4zw], raster per channel) from z symbols [zc][zh][zw].</summary>
    public HyperOutput Decode(int[] zSymbols, int zc, int zh, int zw, int maxThreads = 2)
    {
        if (zc != HyperLatentChannels) throw new ArgumentException($"z has {zc} channels; this network takes {HyperLatentChannels}.");
        var meanAcc = MeanNetwork.Forward(zSymbols, zh, zw, maxThreads);
        var scaleAcc = ScaleNetwork.Forward(zSymbols, zh, zw, maxThreads);
        var (h, w) = MeanNetwork.OutputSize(zh, zw);
        int plane = h * w;
        var means = new double[meanAcc.Length];
        var indices = new int[scaleAcc.Length];
        for (int c = 0; c < LatentChannels; c++)
        {
            double unit = MeanScale[c];
            var thresholds = Thresholds.AsSpan(c * ThresholdCount, ThresholdCount);
            for (int p = c * plane, end = p + plane; p < end; p++)
            {
                means[p] = meanAcc[p] * unit;
                indices[p] = IndexOf(scaleAcc[p], thresholds);
            }
        }
        return new HyperOutput(means, indices);
    }

    /// <summary>
    /// Means and the scale network's raw accumulators (for a context model, which refines both):
    /// the same numbers <see cref="Decode"/> derives its means and indices from.
    /// </summary>
    public (double[] Means, int[] ScaleAccumulators) DecodeAccumulators(int[] zSymbols, int zc, int zh, int zw, int maxThreads = 2)
    {
        if (zc != HyperLatentChannels) throw new ArgumentException($"z has {zc} channels; this network takes {HyperLatentChannels}.");
        var meanAcc = MeanNetwork.Forward(zSymbols, zh, zw, maxThreads);
        var scaleAcc = ScaleNetwork.Forward(zSymbols, zh, zw, maxThreads);
        var (h, w) = MeanNetwork.OutputSize(zh, zw);
        int plane = h * w;
        var means = new double[meanAcc.Length];
        for (int c = 0; c < LatentChannels; c++)
        {
            double unit = MeanScale[c];
            for (int p = c * plane, end = p + plane; p < end; p++) means[p] = meanAcc[p] * unit;
        }
        return (means, scaleAcc);
    }

    /// <summary>How many thresholds acc reaches (binary search over an ascending table).</summary>
    public static int IndexOf(int acc, ReadOnlySpan<int> thresholds)
    {
        int lo = 0, hi = thresholds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (acc >= thresholds[mid]) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(Magic); w.Write(Version);
        MeanNetwork.Write(w);
        ScaleNetwork.Write(w);
        w.Write(MeanScale.Length);
        foreach (var s in MeanScale) w.Write(s);
        w.Write(ThresholdCount);
        IntegerHyperSynthesis.WriteInts(w, Thresholds);
        w.Flush();
        return ms.ToArray();
    }

    public static IntegerHyperprior FromBytes(byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data));
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("not an integer hyperprior (bad magic)");
            int version = r.ReadInt32();
            if (version != Version) throw new InvalidDataException($"integer hyperprior version {version}; this build reads {Version}");
            var mean = IntegerHyperSynthesis.Read(r);
            var scale = IntegerHyperSynthesis.Read(r);
            int n = r.ReadInt32();
            if (n < 0 || n > 65536) throw new InvalidDataException($"bad mean scale count {n}");
            var meanScale = new double[n];
            for (int i = 0; i < n; i++) meanScale[i] = r.ReadDouble();
            int thresholdCount = r.ReadInt32();
            var thresholds = IntegerHyperSynthesis.ReadInts(r, 1L << 26);
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("integer hyperprior has trailing bytes");
            return new IntegerHyperprior(mean, scale, meanScale, thresholds, thresholdCount);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("integer hyperprior is truncated");
        }
    }
}
