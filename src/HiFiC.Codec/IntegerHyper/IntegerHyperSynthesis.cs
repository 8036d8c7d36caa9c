namespace HiFiC.Codec.IntegerHyper;

/// <summary>
/// A hyper-synthesis network (z-hat to y's resolution) as a chain of <see cref="IntegerConvLayer"/>s.
/// Input: z symbols as they are (scale 1); output: the last layer's raw int32 accumulators.
/// </summary>
public sealed class IntegerHyperSynthesis
{
    public IReadOnlyList<IntegerConvLayer> Layers { get; }

    public IntegerHyperSynthesis(IReadOnlyList<IntegerConvLayer> layers)
    {
        if (layers.Count == 0) throw new InvalidDataException("an integer network needs at least one layer");
        for (int l = 0; l < layers.Count; l++)
        {
            if (layers[l].IsLast != (l == layers.Count - 1))
                throw new InvalidDataException($"layer {l}: only the last layer may (and must) skip requantization");
            if (l > 0 && layers[l].InChannels != layers[l - 1].OutChannels)
                throw new InvalidDataException($"layer {l} takes {layers[l].InChannels} channels but layer {l - 1} gives {layers[l - 1].OutChannels}");
        }
        Layers = layers;
    }

    public int InChannels => Layers[0].InChannels;
    public int OutChannels => Layers[^1].OutChannels;

    /// <summary>Output size for a z of h x w.</summary>
    public (int H, int W) OutputSize(int h, int w)
    {
        foreach (var layer in Layers) (h, w) = layer.OutputSize(h, w);
        return (h, w);
    }

    public int[] Forward(int[] z, int h, int w, int maxThreads)
    {
        var a = z;
        foreach (var layer in Layers)
        {
            a = layer.Forward(a, h, w, maxThreads);
            (h, w) = layer.OutputSize(h, w);
        }
        return a;
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(Layers.Count);
        foreach (var l in Layers)
        {
            w.Write((byte)l.Kind); w.Write(l.InChannels); w.Write(l.OutChannels); w.Write(l.Kernel);
            w.Write(l.Weights.Length);
            foreach (var v in l.Weights) w.Write((short)v);
            WriteInts(w, l.Bias); WriteInts(w, l.Multiplier);
            w.Write(l.Shift.Length); w.Write(l.Shift);
        }
    }

    internal static IntegerHyperSynthesis Read(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count is < 1 or > 16) throw new InvalidDataException($"bad layer count {count}");
        var layers = new List<IntegerConvLayer>(count);
        for (int i = 0; i < count; i++)
        {
            var kind = (IntegerLayerKind)r.ReadByte();
            int inCh = r.ReadInt32(), outCh = r.ReadInt32(), kernel = r.ReadInt32();
            int n = r.ReadInt32();
            if (n < 0 || n > (long)inCh * outCh * 25 || n > (r.BaseStream.Length - r.BaseStream.Position) / 2) throw new InvalidDataException($"bad weight count {n}");
            var weights = new int[n];
            for (int j = 0; j < n; j++) weights[j] = r.ReadInt16();
            var bias = ReadInts(r, 4096);
            var multiplier = ReadInts(r, 4096);
            int shifts = r.ReadInt32();
            if (shifts is < 0 or > 4096) throw new InvalidDataException($"bad shift count {shifts}");
            layers.Add(new IntegerConvLayer(kind, inCh, outCh, kernel, weights, bias, multiplier, r.ReadBytes(shifts)));
        }
        return new IntegerHyperSynthesis(layers);
    }

    internal static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    internal static int[] ReadInts(BinaryReader r, long max)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > max || n > (r.BaseStream.Length - r.BaseStream.Position) / 4) throw new InvalidDataException($"bad array length {n}");
        var values = new int[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadInt32();
        return values;
    }
}
