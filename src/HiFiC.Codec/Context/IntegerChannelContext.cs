using HiFiC.Codec.IntegerHyper;

namespace HiFiC.Codec.Context;

/// <summary>What the context decoder gives the y coder for one slice: its elements' means and scale-table indices.</summary>
public sealed record SliceParameters(double[] Means, int[] Indices);

/// <summary>
/// <see cref="ChannelContextModel"/> in integer arithmetic, so every machine derives the same
/// scale-table index for every y element: each slice's network is a chain of
/// <see cref="IntegerConvLayer"/>s (int16 weights and inputs, wrapping int32 sums, ReLU with
/// fixed-point requantization), fed round(8 v) of its inputs. The outputs are read with IEEE
/// double products and sums in a fixed order (mean = hyper mean + acc * unit; raw scale = hyper
/// accumulator * hyper unit + acc * unit), and the index is the number of stored raw-scale
/// thresholds the raw scale exceeds: no transcendental function, no order-dependent sum.
/// </summary>
public sealed class IntegerChannelContext
{
    private const uint Magic = 0x58434648; // "HFCX"
    /// <summary>Version 1: one phase per slice; version 2 adds the checkerboard flag (written only when it is set, so version-1 models keep their bytes and digest).</summary>
    private const int Version = 1;
    private const int CheckerboardVersion = 2;
    /// <summary>Version 3: a flags word (bit 0 checkerboard, bit 1 single y stream); written only for single-stream models.</summary>
    private const int FlagsVersion = 3;
    private const int CheckerboardFlag = 1, SingleStreamFlag = 2;

    public ChannelContextConfig Config { get; }
    public IReadOnlyList<IntegerHyperSynthesis> Networks { get; }
    /// <summary>[network][2 * slice channels]: the real value of one output accumulator unit (means, then raw scales).</summary>
    public IReadOnlyList<double[]> OutputUnits { get; }
    /// <summary>Per y channel: the real raw scale of one accumulator unit of the hyperprior's scale network.</summary>
    public double[] HyperScaleUnits { get; }
    /// <summary>Ascending raw-scale thresholds: index = how many of them the raw scale exceeds.</summary>
    public double[] RawThresholds { get; }

    public IntegerChannelContext(ChannelContextConfig config, IReadOnlyList<IntegerHyperSynthesis> networks, IReadOnlyList<double[]> outputUnits,
        double[] hyperScaleUnits, double[] rawThresholds)
    {
        config.Validate();
        if (networks.Count != config.Networks || outputUnits.Count != config.Networks) throw new InvalidDataException("one network per slice and phase is required");
        for (int s = 0; s < config.Networks; s++)
        {
            if (networks[s].InChannels != config.NetworkInputChannels(s) || networks[s].OutChannels != 2 * config.SliceChannels)
                throw new InvalidDataException($"network {s} does not fit the slice shape");
            if (networks[s].Layers.Any(l => l.Kind != IntegerLayerKind.Conv))
                throw new InvalidDataException("context networks are stride-1 convolutions only");
            if (outputUnits[s].Length != 2 * config.SliceChannels || outputUnits[s].Any(u => !double.IsFinite(u)))
                throw new InvalidDataException($"bad output units of network {s}");
        }
        if (hyperScaleUnits.Length != config.LatentChannels || hyperScaleUnits.Any(u => !double.IsFinite(u))) throw new InvalidDataException("bad hyper scale units");
        if (rawThresholds.Length is < 1 or > 1023 || rawThresholds.Any(t => !double.IsFinite(t))) throw new InvalidDataException("bad raw thresholds");
        for (int k = 1; k < rawThresholds.Length; k++)
            if (rawThresholds[k] < rawThresholds[k - 1]) throw new InvalidDataException("raw thresholds must ascend");
        Config = config; Networks = networks; OutputUnits = outputUnits; HyperScaleUnits = hyperScaleUnits; RawThresholds = rawThresholds;
    }

    /// <summary>round(8 v) as the networks take it (saturating at int16; NaN cannot occur: every v is a finite sum).</summary>
    public static int ToInput(double v) => (int)Math.Clamp(Math.Round(v * ChannelContextConfig.InputScale, MidpointRounding.ToEven), -32767, 32767);

    /// <summary>
    /// Means and indices of slice s ([slice channels][h][w], in the slice's channel order) from the
    /// hyperprior's means and scale accumulators ([C][h][w]) and the y-hat of the earlier slices
    /// (<paramref name="yHat"/>, [C][h][w]; only the earlier slices' channels are read).
    /// </summary>
    public SliceParameters Slice(int s, double[] hyperMeans, int[] hyperScaleAcc, double[] yHat, int h, int w, int maxThreads) =>
        Phase(s, 0, hyperMeans, hyperScaleAcc, yHat, h, w, maxThreads);

    /// <summary>
    /// <see cref="Slice"/> for one checkerboard phase: phase 1 also reads the y-hat of slice s's anchors
    /// (positions of phase 0; the others are fed as zero). The result covers the whole plane; only the
    /// phase's own positions are meant to be used.
    /// </summary>
    public SliceParameters Phase(int s, int phase, double[] hyperMeans, int[] hyperScaleAcc, double[] yHat, int h, int w, int maxThreads)
    {
        if (phase < 0 || phase >= Config.Phases) throw new ArgumentOutOfRangeException(nameof(phase));
        int plane = h * w, cs = Config.SliceChannels, network = s * Config.Phases + phase;
        var input = new int[Config.NetworkInputChannels(network) * plane];
        var members = Config.SliceMembers(s);
        for (int j = 0; j < cs; j++)
        {
            int c = members[j];
            double unit = HyperScaleUnits[c];
            for (int p = 0; p < plane; p++)
            {
                input[j * plane + p] = ToInput(hyperMeans[c * plane + p]);
                input[(cs + j) * plane + p] = ToInput(hyperScaleAcc[c * plane + p] * unit);
            }
        }
        for (int e = 0; e < s * cs; e++)
        {
            int c = Config.Order[e];
            for (int p = 0; p < plane; p++) input[(2 * cs + e) * plane + p] = ToInput(yHat[c * plane + p]);
        }
        if (phase == 1)
            for (int j = 0; j < cs; j++)
            {
                int c = members[j], at = (2 * cs + s * cs + j) * plane;
                for (int p = 0; p < plane; p++)
                    if (ChannelContextConfig.InPhase(0, p / w, p % w)) input[at + p] = ToInput(yHat[c * plane + p]);
            }
        var acc = Networks[network].Forward(input, h, w, maxThreads);
        var units = OutputUnits[network];
        var means = new double[cs * plane];
        var indices = new int[cs * plane];
        for (int j = 0; j < cs; j++)
        {
            int c = members[j];
            double meanUnit = units[j], rawUnit = units[cs + j], hyperUnit = HyperScaleUnits[c];
            for (int p = 0; p < plane; p++)
            {
                means[j * plane + p] = hyperMeans[c * plane + p] + acc[j * plane + p] * meanUnit;
                double raw = hyperScaleAcc[c * plane + p] * hyperUnit + acc[(cs + j) * plane + p] * rawUnit;
                indices[j * plane + p] = IndexOf(raw);
            }
        }
        return new SliceParameters(means, indices);
    }

    private int IndexOf(double raw)
    {
        int lo = 0, hi = RawThresholds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (raw > RawThresholds[mid]) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(Magic); w.Write(Config.SingleStream ? FlagsVersion : Config.Checkerboard ? CheckerboardVersion : Version);
        w.Write(Config.LatentChannels); w.Write(Config.Slices); w.Write(Config.Width);
        if (Config.SingleStream) w.Write((Config.Checkerboard ? CheckerboardFlag : 0) | SingleStreamFlag);
        else if (Config.Checkerboard) w.Write(1);
        IntegerHyperSynthesis.WriteInts(w, Config.Order);
        foreach (var n in Networks) n.Write(w);
        foreach (var u in OutputUnits) WriteDoubles(w, u);
        WriteDoubles(w, HyperScaleUnits);
        WriteDoubles(w, RawThresholds);
        w.Flush();
        return ms.ToArray();
    }

    public static IntegerChannelContext FromBytes(byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data));
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("not a channel context model (bad magic)");
            int version = r.ReadInt32();
            if (version is not (Version or CheckerboardVersion or FlagsVersion))
                throw new InvalidDataException($"channel context version {version}; this build reads {Version} to {FlagsVersion}");
            int channels = r.ReadInt32(), slices = r.ReadInt32(), width = r.ReadInt32();
            if (slices is < 1 or > 256) throw new InvalidDataException($"bad slice count {slices}");
            bool checkerboard = false, singleStream = false;
            if (version == CheckerboardVersion)
            {
                int flag = r.ReadInt32();
                if (flag != 1) throw new InvalidDataException($"bad checkerboard flag {flag}");
                checkerboard = true;
            }
            else if (version == FlagsVersion)
            {
                int flags = r.ReadInt32();
                // Version 3 exists for the single stream; any other bit is from a newer build.
                if ((flags & ~(CheckerboardFlag | SingleStreamFlag)) != 0 || (flags & SingleStreamFlag) == 0) throw new InvalidDataException($"bad context flags {flags}");
                checkerboard = (flags & CheckerboardFlag) != 0;
                singleStream = true;
            }
            var config = new ChannelContextConfig(channels, slices, width, IntegerHyperSynthesis.ReadInts(r, 65536), checkerboard, singleStream);
            config.Validate();
            var networks = new List<IntegerHyperSynthesis>();
            for (int s = 0; s < config.Networks; s++) networks.Add(IntegerHyperSynthesis.Read(r));
            var units = new List<double[]>();
            for (int s = 0; s < config.Networks; s++) units.Add(ReadDoubles(r));
            var hyperUnits = ReadDoubles(r);
            var thresholds = ReadDoubles(r);
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("channel context has trailing bytes");
            return new IntegerChannelContext(config, networks, units, hyperUnits, thresholds);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("channel context is truncated");
        }
    }

    private static void WriteDoubles(BinaryWriter w, double[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    private static double[] ReadDoubles(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > 65536 || n > (r.BaseStream.Length - r.BaseStream.Position) / 8) throw new InvalidDataException($"bad array length {n}");
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadDouble();
        return values;
    }
}
