using HiFiC.Codec.Context;
using HiFiC.Codec.Entropy;
using HiFiC.Codec.IntegerHyper;
using HiFiC.Codec.Networks;

namespace HiFiC.Codec.Models;

/// <summary>
/// The integer tables both sides code with: one factorized table per z channel, the 64-entry
/// Gaussian scale table for y and (version 2) the integer hyper-synthesis that maps z to y's
/// means and table indices. Built once from the trained model and stored with the weights, so
/// encoder and decoder never recompute (and never disagree on) a single integer. Version 1 tables
/// (models shipped before the integer hyper-synthesis) lack the last part; their files decode
/// through the float64 hyper-synthesis they were written with.
/// </summary>
public sealed class EntropyTables
{
    private const uint Magic = 0x42544648; // "HFTB"
    private const int LegacyVersion = 1;
    private const int Version = 2;
    /// <summary>Version 2 plus a channel-conditional context model (<see cref="IntegerChannelContext"/>).</summary>
    private const int ContextVersion = 3;
    /// <summary>Range searched for z's mass; values beyond are escaped.</summary>
    private const int ZSearchRange = 2048;
    private const double ZTailMass = 1e-9;
    private const int MaxZSymbols = 4000;

    public CdfTableSet Z { get; }
    public CdfTableSet Y { get; }
    public float[] Scales { get; }

    /// <summary>
    /// sigma maps to table k when it is at most IndexBoundaries[k] (and above the previous one):
    /// the geometric midpoints between neighbouring scales, so each element gets the NEAREST scale
    /// in log terms. "First scale >= sigma" (CompressAI's rule) overstates sigma by up to 13% with
    /// 64 scales and cost 1-2% of the y stream; the nearest scale costs about a quarter of that.
    /// Derived from the stored scales with IEEE double arithmetic, so both sides get equal floats.
    /// </summary>
    public float[] IndexBoundaries { get; }

    /// <summary>The machine-independent hyper-decoder; null for legacy (version 1) tables.</summary>
    public IntegerHyperprior? Hyper { get; }

    /// <summary>The channel-conditional context model; null for hyperprior-only models (tables version 1 and 2).</summary>
    public IntegerChannelContext? Context { get; }

    public EntropyTables(CdfTableSet z, CdfTableSet y, float[] scales, IntegerHyperprior? hyper = null, IntegerChannelContext? context = null)
    {
        if (context is not null && (hyper is null || context.Config.LatentChannels != hyper.LatentChannels || context.RawThresholds.Length != scales.Length - 1))
            throw new InvalidDataException("the channel context does not fit these tables");
        if (y.Count != scales.Length) throw new ArgumentException("One y table per scale is required.");
        if (hyper is not null && (hyper.HyperLatentChannels != z.Count || hyper.ThresholdCount != scales.Length - 1))
            throw new InvalidDataException("the integer hyper-synthesis does not fit these tables");
        Z = z; Y = y; Scales = scales; Hyper = hyper; Context = context;
        IndexBoundaries = new float[scales.Length];
        for (int k = 0; k < scales.Length; k++)
            IndexBoundaries[k] = k + 1 < scales.Length ? (float)Math.Sqrt((double)scales[k] * scales[k + 1]) : float.PositiveInfinity;
    }

    /// <summary>Builds every table, the integer hyper-synthesis calibrated on the given latents.</summary>
    public static EntropyTables Build(HificModel model, IReadOnlyList<ZSample> calibration)
    {
        var legacy = BuildLegacy(model);
        var hyper = IntegerHyperpriorBuilder.Build(model.Hyperprior, calibration, legacy.IndexBoundaries);
        return new EntropyTables(legacy.Z, legacy.Y, legacy.Scales, hyper);
    }

    /// <summary>Version 1 tables (no integer hyper-synthesis): what models before it shipped; kept for tests of old files.</summary>
    public static EntropyTables BuildLegacy(HificModel model)
    {
        var probs = model.Hyperprior.ZDensity.IntegerProbabilities(-ZSearchRange, ZSearchRange);
        int channels = probs.GetLength(0), n = probs.GetLength(1);
        var pmfs = new List<double[]>(channels);
        var offsets = new List<int>(channels);
        for (int c = 0; c < channels; c++)
        {
            // Keep the span holding all but ZTailMass on each side; the rest goes to the escape symbol.
            int lo = 0, hi = n - 1;
            double below = 0, above = 0;
            while (lo < hi && below + probs[c, lo] < ZTailMass / 2) below += probs[c, lo++];
            while (hi > lo && above + probs[c, hi] < ZTailMass / 2) above += probs[c, hi--];
            if (hi - lo + 1 > MaxZSymbols)
            {
                // Very wide densities (an untrained model): keep the centre of mass.
                int centre = (lo + hi) / 2;
                lo = centre - MaxZSymbols / 2; hi = lo + MaxZSymbols - 1;
            }
            var pmf = new double[hi - lo + 1];
            for (int k = lo; k <= hi; k++) pmf[k - lo] = probs[c, k];
            pmfs.Add(pmf);
            offsets.Add(lo - ZSearchRange);
        }
        var scales = GaussianScaleTable.DefaultScales();
        return new EntropyTables(CdfTableSet.FromProbabilities(pmfs, offsets), GaussianScaleTable.BuildTables(scales), scales);
    }

    /// <summary>These tables with a context model added (a new model: tables version 3, a new digest).</summary>
    public EntropyTables WithContext(IntegerChannelContext context) => new(Z, Y, Scales, Hyper, context);

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(Magic); w.Write(Hyper is null ? LegacyVersion : Context is null ? Version : ContextVersion);
        w.Write(Scales.Length);
        foreach (var s in Scales) w.Write(s);
        var z = Z.ToBytes(); w.Write(z.Length); w.Write(z);
        var y = Y.ToBytes(); w.Write(y.Length); w.Write(y);
        if (Hyper is not null) { var h = Hyper.ToBytes(); w.Write(h.Length); w.Write(h); }
        if (Context is not null) { var c = Context.ToBytes(); w.Write(c.Length); w.Write(c); }
        w.Flush();
        return ms.ToArray();
    }

    public static EntropyTables FromBytes(byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data));
            if (r.ReadUInt32() != Magic) throw new InvalidDataException("not an entropy table file (bad magic)");
            int version = r.ReadInt32();
            if (version is not (LegacyVersion or Version or ContextVersion)) throw new InvalidDataException($"entropy tables version {version}; this build reads {LegacyVersion} to {ContextVersion}");
            int count = r.ReadInt32();
            if (count is < 1 or > 1024) throw new InvalidDataException($"bad scale count {count}");
            var scales = new float[count];
            for (int i = 0; i < count; i++) scales[i] = r.ReadSingle();
            var z = CdfTableSet.FromBytes(ReadBlock(r));
            var y = CdfTableSet.FromBytes(ReadBlock(r));
            var hyper = version >= Version ? IntegerHyperprior.FromBytes(ReadBlock(r)) : null;
            var context = version == ContextVersion ? IntegerChannelContext.FromBytes(ReadBlock(r)) : null;
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("entropy tables have trailing bytes");
            return new EntropyTables(z, y, scales, hyper, context);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("entropy tables are truncated");
        }
    }

    private static byte[] ReadBlock(BinaryReader r)
    {
        int length = r.ReadInt32();
        if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position) throw new InvalidDataException("entropy tables are truncated");
        return r.ReadBytes(length);
    }
}
